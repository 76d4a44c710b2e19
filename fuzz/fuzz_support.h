// Shared by the libFuzzer targets: an invariant check that aborts (so libFuzzer records the
// input) and a stream that hands out fixed-size slices of memory.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "validation/security/byte_source.h"

namespace mlops::fuzz {

inline void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

class SlicedStream : public validation::security::ByteStream {
 public:
  SlicedStream(std::string_view data, std::size_t slice) : data_(data), slice_(slice) {}
  StatusOr<std::size_t> Read(char* out, std::size_t n) override {
    const std::size_t take = std::min({n, slice_, data_.size()});
    data_.copy(out, take);
    data_.remove_prefix(take);
    return take;
  }

 private:
  std::string_view data_;
  std::size_t slice_;
};

}  // namespace mlops::fuzz
