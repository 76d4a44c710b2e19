#include "domain/field_rules.h"

#include <cctype>
#include <string>

namespace mlops {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

Status CheckIdentifier(std::string_view field, std::string_view value, std::size_t max_len,
                       std::string_view extra_chars) {
  const std::string allowed = "A-Za-z0-9" + std::string(extra_chars);
  if (value.empty() || value.size() > max_len) {
    return InvalidArgument(std::string(field) + " must be 1.." + std::to_string(max_len) +
                           " characters long");
  }
  if (!IsAlnum(value.front())) {
    return InvalidArgument(std::string(field) + " must start with a letter or digit");
  }
  for (char c : value) {
    if (!IsAlnum(c) && extra_chars.find(c) == std::string_view::npos) {
      return InvalidArgument(std::string(field) + " may contain only " + allowed);
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckModelName(std::string_view name) { return CheckIdentifier("name", name, 128, "._-"); }

Status CheckVersionString(std::string_view version) {
  return CheckIdentifier("version_string", version, 64, "._-");
}

Status CheckTaskType(std::string_view task_type) {
  if (task_type.empty() || task_type.size() > 64) {
    return InvalidArgument("task_type must be 1..64 characters long");
  }
  for (char c : task_type) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return InvalidArgument("task_type may contain only a-z0-9_-");
  }
  return OkStatus();
}

Status CheckTextLength(std::string_view field, std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // lead bytes
  if (chars > max_chars) {
    return InvalidArgument(std::string(field) + " must be at most " + std::to_string(max_chars) +
                           " characters long");
  }
  return OkStatus();
}

Status CheckRating(int rating) {
  if (rating < 1 || rating > 5) return InvalidArgument("rating must be between 1 and 5");
  return OkStatus();
}

Status CheckKeyName(std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return InvalidArgument("name must be 1..128 characters long");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("name must not contain control characters");
    }
  }
  return OkStatus();
}

std::optional<std::string> SafeFileName(std::string_view raw) {
  const auto slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
  std::string out;
  for (char c : raw) {
    const bool ok = IsAlnum(c) || c == '.' || c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  const auto first = out.find_first_not_of('.');
  if (first == std::string::npos) return std::nullopt;
  out.erase(0, first);
  if (out.size() > 200) out.resize(200);
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace mlops
