#include "http/api_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mlops::http {
namespace {

TEST(ApiCodecTest, DecodesAModel) {
  auto m = DecodeNewModel(
      R"({"name":"sd","task_type":"text_to_image","description":"d",
          "owner_id":"3F2504E0-4F89-41D3-9A0C-0305E82C3301","extra":1})");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->name, "sd");
  EXPECT_EQ(m->description, "d");
  EXPECT_EQ(m->owner_id, "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
}

TEST(ApiCodecTest, ReportsTheFirstBadField) {
  EXPECT_EQ(DecodeNewModel("{").status().code(), StatusCode::kMalformed);
  EXPECT_EQ(DecodeNewModel("[]").status().code(), StatusCode::kInvalidArgument);
  auto missing = DecodeNewModel(R"({"task_type":"x"})");
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "name is required");
  auto wrong_type = DecodeNewModel(R"({"name":5,"task_type":"x"})");
  EXPECT_EQ(wrong_type.status().message(), "name must be a string");
  auto bad_uuid = DecodeNewModel(R"({"name":"a","task_type":"x","owner_id":"nope"})");
  EXPECT_EQ(bad_uuid.status().code(), StatusCode::kInvalidArgument);
}

TEST(ApiCodecTest, VersionDetailsNeedKnownEnums) {
  auto ok = DecodeNewVersion(
      R"({"version_string":"1","model_format":"ONNX","interface_type":"TORCHSERVE",
          "parameters":{"a":1}})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->model_format, ModelFormat::kOnnx);
  EXPECT_EQ(ok->parameters, R"({"a":1})");
  auto bad = DecodeNewVersion(
      R"({"version_string":"1","model_format":"KERAS","interface_type":"TORCHSERVE"})");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("ONNX"), std::string::npos);
  auto params = DecodeNewVersion(
      R"({"version_string":"1","model_format":"ONNX","interface_type":"TORCHSERVE",
          "parameters":[1]})");
  EXPECT_EQ(params.status().message(), "parameters must be a JSON object");
}

TEST(ApiCodecTest, FeedbackRatingsMustBeIntegers) {
  const std::string id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
  EXPECT_TRUE(DecodeNewFeedback(R"({"model_version_id":")" + id + R"(","rating":5})").ok());
  EXPECT_EQ(
      DecodeNewFeedback(R"({"model_version_id":")" + id + R"(","rating":4.5})").status().message(),
      "rating must be an integer");
  EXPECT_EQ(
      DecodeNewFeedback(R"({"model_version_id":")" + id + R"(","rating":1e30})").status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeNewFeedback(R"({"rating":3})").status().message(),
            "model_version_id is required");
}

TEST(ApiCodecTest, PatchDistinguishesNullFromAbsent) {
  auto p = DecodeModelPatch(R"({"description":null})");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->clear_description);
  EXPECT_FALSE(p->clear_owner_id);
  EXPECT_EQ(DecodeModelPatch(R"({"task_type":null})").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ApiCodecTest, StatusChangeAndKeys) {
  EXPECT_EQ(*DecodeStatusChange(R"({"new_status":"ARCHIVED"})"), ModelVersionStatus::kArchived);
  EXPECT_EQ(DecodeStatusChange(R"({"new_status":"archived"})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeNewApiKey(R"({"name":"ci","role":"root"})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeNewApiKey(R"({"name":"ci","role":"viewer"})")->role, Role::kViewer);
}

TEST(ApiCodecTest, EncodesTimestampsAndNulls) {
  Model m{"id", "n", std::nullopt, "t", std::nullopt, 1700000000123, 1700000000123};
  EXPECT_EQ(ToJson(m),
            R"({"id":"id","name":"n","description":null,"task_type":"t","owner_id":null,)"
            R"("created_at":"2023-11-14T22:13:20.123Z","updated_at":"2023-11-14T22:13:20.123Z"})");
}

TEST(ApiCodecTest, EmbeddedObjectsAreInlinedAndDamagedOnesShownAsNull) {
  ModelVersion v;
  v.parameters = R"({"max_p99_ms":50})";
  v.metrics = "{broken";
  const nlohmann::json j = nlohmann::json::parse(ToJson(v));
  EXPECT_EQ(j["parameters"]["max_p99_ms"], 50);
  EXPECT_TRUE(j["metrics"].is_null());
  EXPECT_EQ(j["status"], "PENDING_VALIDATION");
}

TEST(ApiCodecTest, SummariesAndIssuedKeys) {
  FeedbackSummary s;
  s.count = 3;
  s.average_rating = 4.5;
  s.rating_counts[3] = 1;
  s.rating_counts[4] = 1;
  EXPECT_EQ(ToJson(s),
            R"({"count":3,"average_rating":4.5,"rating_counts":{"1":0,"2":0,"3":0,"4":1,"5":1}})");
  IssuedKey k{{"kid", "ci", Role::kViewer, "hash", 0}, "mlops_secret"};
  const nlohmann::json j = nlohmann::json::parse(ToJson(k));
  EXPECT_EQ(j["key"], "mlops_secret");
  EXPECT_EQ(j["role"], "viewer");
  EXPECT_FALSE(j.contains("key_hash"));
  EXPECT_FALSE(ToJson(k.key).find("secret") != std::string::npos);
}

}  // namespace
}  // namespace mlops::http
