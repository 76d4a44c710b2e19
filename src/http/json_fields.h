#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mlops::http {

// How deeply objects and arrays may nest in a request's JSON (the body's own object is level 1).
// Deeper documents are refused before they are parsed: serializing one recurses once per level,
// and a document nested 100,000 deep overflows the stack.
inline constexpr int kMaxJsonDepth = 64;

// Parses a request body that must be one JSON object. MALFORMED for invalid JSON (with the
// parser's position), INVALID_ARGUMENT if it is valid JSON but not an object, or if it nests
// objects and arrays deeper than kMaxJsonDepth.
StatusOr<nlohmann::json> ParseJsonObject(std::string_view text);

// Reads typed fields from a JSON object, remembering the first problem so that a decoder can read
// every field and then report one precise error. Unknown fields are ignored (as Pydantic does).
class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& object) : object_(object) {}

  std::string RequiredString(std::string_view name);
  std::optional<std::string> OptionalString(std::string_view name);
  // A UUID, returned in canonical lowercase form.
  std::optional<std::string> OptionalUuid(std::string_view name);
  std::string RequiredUuid(std::string_view name);
  std::optional<int> OptionalInt(std::string_view name);
  // A JSON object, returned as its compact serialization.
  std::optional<std::string> OptionalObject(std::string_view name);
  // True if the field is present with an explicit null (PATCH uses it to clear a value).
  bool IsNull(std::string_view name) const;
  // A required string that must be one of an enum's wire values.
  template <typename Enum, typename Parse>
  Enum RequiredEnum(std::string_view name, Parse parse, std::string_view allowed);

  // OK, or the first problem met.
  const Status& status() const { return status_; }
  void Fail(Status status);

 private:
  const nlohmann::json* Find(std::string_view name) const;

  const nlohmann::json& object_;
  Status status_;
};

template <typename Enum, typename Parse>
Enum FieldReader::RequiredEnum(std::string_view name, Parse parse, std::string_view allowed) {
  const std::string text = RequiredString(name);
  if (!status_.ok()) return Enum{};
  auto value = parse(text);
  if (!value) {
    Fail(InvalidArgument(std::string(name) + " must be one of " + std::string(allowed) + ", got '" +
                         text + "'"));
    return Enum{};
  }
  return *value;
}

}  // namespace mlops::http
