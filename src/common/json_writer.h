#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

// Appends `text` to `out` as a JSON string literal (quotes included). Invalid UTF-8 bytes are
// replaced by U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string& out, std::string_view text);

// A minimal streaming JSON writer for responses and log lines: fields are written in the order
// given, with no intermediate tree. The caller keeps objects and arrays balanced.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& StringOrNull(const std::optional<std::string>& value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& IntOrNull(const std::optional<int>& value);
  JsonWriter& Double(double value);
  JsonWriter& Null();
  // A value that is already serialized JSON.
  JsonWriter& Raw(std::string_view json);

  std::string Take() { return std::move(out_); }
  const std::string& text() const { return out_; }

 private:
  void Separate();

  std::string out_;
  bool first_ = true;  // no value yet at the current nesting level
  bool after_key_ = false;
};

}  // namespace mlops
