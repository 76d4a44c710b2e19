#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mlops::http {

struct ByteRange {
  std::int64_t offset = 0;
  std::int64_t length = 0;
};

// How a Range header applies to an object of `size` bytes (RFC 9110 section 14).
struct RangeResult {
  enum class Kind { kWhole, kPartial, kUnsatisfiable } kind = Kind::kWhole;
  ByteRange range;
};

// A single "bytes=" range (first-last, first-, -suffix). A header we do not understand (other
// units, several ranges, bad syntax) is ignored, as the RFC allows: the whole object is sent.
RangeResult ResolveRange(std::optional<std::string_view> header, std::int64_t size);

}  // namespace mlops::http
