#include "http/json_fields.h"

#include <gtest/gtest.h>

#include <string>

#include "http/api_codec.h"

namespace mlops::http {
namespace {

// `depth` nested values: {"a":{"a":...1...}} for objects, [[...1...]] for arrays.
std::string Nested(int depth, bool arrays = false) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += arrays ? "[" : "{\"a\":";
  text += "1";
  for (int i = 0; i < depth; ++i) text += arrays ? "]" : "}";
  return text;
}

TEST(JsonFieldsTest, AcceptsObjectsNestedUpToTheLimit) {
  auto at_limit = ParseJsonObject(Nested(kMaxJsonDepth));
  EXPECT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  // One object holding arrays down to the limit.
  auto mixed = ParseJsonObject("{\"a\":" + Nested(kMaxJsonDepth - 1, /*arrays=*/true) + "}");
  EXPECT_TRUE(mixed.ok()) << mixed.status().ToString();
}

TEST(JsonFieldsTest, RefusesNestingBeyondTheLimitAsInvalid) {
  for (const std::string& text :
       {Nested(kMaxJsonDepth + 1), "{\"a\":" + Nested(kMaxJsonDepth, /*arrays=*/true) + "}",
        Nested(100'000), "{\"a\":" + Nested(100'000, /*arrays=*/true) + "}"}) {
    auto parsed = ParseJsonObject(text);
    ASSERT_FALSE(parsed.ok()) << text.size();
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(std::to_string(kMaxJsonDepth)), std::string::npos)
        << parsed.status().message();
  }
}

TEST(JsonFieldsTest, BracketsInsideStringsDoNotCount) {
  const std::string deep_text(10'000, '[');
  auto parsed = ParseJsonObject("{\"a\":\"" + deep_text + "\\\"{{{\",\"b\":\"]]]\\\\\"}");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)["a"].get<std::string>(), deep_text + "\"{{{");
}

TEST(JsonFieldsTest, UnbalancedBracketsAreStillMalformed) {
  EXPECT_EQ(ParseJsonObject("{\"a\":1}}}").status().code(), StatusCode::kMalformed);
  EXPECT_EQ(ParseJsonObject("]]]{}").status().code(), StatusCode::kMalformed);
}

TEST(JsonFieldsTest, DecodersRefuseDeepFeedbackDataAndParameters) {
  const std::string feedback = R"({"model_version_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301",)"
                               R"("rating":3,"feedback_data":)" +
                               Nested(100'000) + "}";
  EXPECT_EQ(DecodeNewFeedback(feedback).status().code(), StatusCode::kInvalidArgument);
  const std::string details =
      R"({"version_string":"1","model_format":"ONNX","interface_type":"TORCHSERVE",)"
      R"("parameters":)" +
      Nested(100'000) + "}";
  EXPECT_EQ(DecodeNewVersion(details).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mlops::http
