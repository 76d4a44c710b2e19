// Fuzzes the decoding of every JSON request body: whatever the bytes, decoding returns a value or
// a MALFORMED / INVALID_ARGUMENT status, never throws or crashes, and a decoded free-form object
// re-serializes to valid JSON.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "http/api_codec.h"

namespace {

void CheckStatus(const mlops::Status& s) {
  if (s.ok()) return;
  if (s.code() != mlops::StatusCode::kMalformed &&
      s.code() != mlops::StatusCode::kInvalidArgument) {
    std::abort();
  }
  if (s.message().empty()) std::abort();
}

void CheckObjectText(const std::optional<std::string>& text) {
  if (text && !nlohmann::json::parse(*text, nullptr, false).is_object()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  CheckStatus(mlops::http::DecodeNewModel(body).status());
  CheckStatus(mlops::http::DecodeModelPatch(body).status());
  CheckStatus(mlops::http::DecodeStatusChange(body).status());
  CheckStatus(mlops::http::DecodeNewApiKey(body).status());
  auto version = mlops::http::DecodeNewVersion(body);
  CheckStatus(version.status());
  if (version.ok()) {
    CheckObjectText(version->parameters);
    CheckObjectText(version->metrics);
  }
  auto feedback = mlops::http::DecodeNewFeedback(body);
  CheckStatus(feedback.status());
  if (feedback.ok()) CheckObjectText(feedback->feedback_data);
  return 0;
}
