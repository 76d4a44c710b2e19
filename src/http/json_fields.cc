#include "http/json_fields.h"

#include <limits>

#include "common/uuid.h"

namespace mlops::http {
namespace {

// True if `text` opens more than `limit` objects and arrays at once, outside strings. A scan of
// the bytes, so that no parser recursion or allocation depends on the depth; unbalanced or
// otherwise invalid text is left to the parser to report.
bool NestsDeeperThan(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        if (++depth > limit) return true;
        break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace

StatusOr<nlohmann::json> ParseJsonObject(std::string_view text) {
  if (NestsDeeperThan(text, kMaxJsonDepth)) {
    return InvalidArgument("the JSON nests objects and arrays deeper than the limit of " +
                           std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    nlohmann::json value = nlohmann::json::parse(text);
    if (!value.is_object()) return InvalidArgument("the request body must be a JSON object");
    return value;
  } catch (const nlohmann::json::parse_error& e) {
    return Malformed("the request body is not valid JSON: byte " + std::to_string(e.byte) +
                     ": syntax error");
  } catch (const nlohmann::json::exception& e) {
    return Malformed("the request body is not valid JSON");
  }
}

const nlohmann::json* FieldReader::Find(std::string_view name) const {
  auto it = object_.find(name);
  return it == object_.end() ? nullptr : &*it;
}

void FieldReader::Fail(Status status) {
  if (status_.ok()) status_ = std::move(status);
}

bool FieldReader::IsNull(std::string_view name) const {
  const nlohmann::json* v = Find(name);
  return v != nullptr && v->is_null();
}

std::optional<std::string> FieldReader::OptionalString(std::string_view name) {
  const nlohmann::json* v = Find(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    Fail(InvalidArgument(std::string(name) + " must be a string"));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::string FieldReader::RequiredString(std::string_view name) {
  const nlohmann::json* v = Find(name);
  if (v == nullptr || v->is_null()) {
    Fail(InvalidArgument(std::string(name) + " is required"));
    return {};
  }
  return OptionalString(name).value_or("");
}

std::optional<std::string> FieldReader::OptionalUuid(std::string_view name) {
  std::optional<std::string> text = OptionalString(name);
  if (!text) return std::nullopt;
  if (!IsUuid(*text)) {
    Fail(InvalidArgument(std::string(name) + " must be a UUID, got '" + *text + "'"));
    return std::nullopt;
  }
  return CanonicalUuid(*text);
}

std::string FieldReader::RequiredUuid(std::string_view name) {
  const nlohmann::json* v = Find(name);
  if (v == nullptr || v->is_null()) {
    Fail(InvalidArgument(std::string(name) + " is required"));
    return {};
  }
  return OptionalUuid(name).value_or("");
}

std::optional<int> FieldReader::OptionalInt(std::string_view name) {
  const nlohmann::json* v = Find(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail(InvalidArgument(std::string(name) + " must be an integer"));
    return std::nullopt;
  }
  if (v->is_number_unsigned() ? v->get<std::uint64_t>() > std::numeric_limits<int>::max()
                              : (v->get<std::int64_t>() > std::numeric_limits<int>::max() ||
                                 v->get<std::int64_t>() < std::numeric_limits<int>::min())) {
    Fail(InvalidArgument(std::string(name) + " is out of range"));
    return std::nullopt;
  }
  return v->get<int>();
}

std::optional<std::string> FieldReader::OptionalObject(std::string_view name) {
  const nlohmann::json* v = Find(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_object()) {
    Fail(InvalidArgument(std::string(name) + " must be a JSON object"));
    return std::nullopt;
  }
  return v->dump();
}

}  // namespace mlops::http
