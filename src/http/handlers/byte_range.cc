#include "http/handlers/byte_range.h"

#include <charconv>

namespace mlops::http {
namespace {

std::optional<std::int64_t> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

RangeResult ResolveRange(std::optional<std::string_view> header, std::int64_t size) {
  RangeResult whole{RangeResult::Kind::kWhole, {0, size}};
  if (!header) return whole;
  std::string_view spec = *header;
  constexpr std::string_view kUnit = "bytes=";
  if (spec.substr(0, kUnit.size()) != kUnit) return whole;
  spec.remove_prefix(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return whole;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);

  RangeResult unsatisfiable{RangeResult::Kind::kUnsatisfiable, {}};
  if (first_text.empty()) {
    auto suffix = ParseNumber(last_text);
    if (!suffix) return whole;
    if (*suffix == 0 || size == 0) return unsatisfiable;
    const std::int64_t n = std::min(*suffix, size);
    return {RangeResult::Kind::kPartial, {size - n, n}};
  }
  auto first = ParseNumber(first_text);
  if (!first) return whole;
  std::optional<std::int64_t> last;
  if (!last_text.empty()) {
    last = ParseNumber(last_text);
    if (!last || *last < *first) return whole;
  }
  if (*first >= size) return unsatisfiable;
  const std::int64_t end = last ? std::min(*last, size - 1) : size - 1;
  return {RangeResult::Kind::kPartial, {*first, end - *first + 1}};
}

}  // namespace mlops::http
