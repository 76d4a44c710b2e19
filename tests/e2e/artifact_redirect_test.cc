// GET /models/versions/{id}/artifact?redirect=true: a 307 to a presigned URL on S3, and a clear
// 501 where the store cannot presign (the filesystem).
#include <cstdlib>
#include <random>

#include "harness.h"

namespace mlops::e2e {
namespace {

std::string ArtifactPath(const nlohmann::json& version) {
  return std::string(kApi) + "/models/versions/" + version["id"].get<std::string>() + "/artifact";
}

class FilesystemRedirectTest : public ServerTest {};

TEST_F(FilesystemRedirectTest, RedirectIsNotImplemented) {
  const nlohmann::json version = UploadVersion(*admin_, CreateModel(*admin_, "fs-model"), "1.0");
  HttpResult r = admin_->Get(ArtifactPath(version) + "?redirect=true");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.json()["detail"], "this artifact store does not support presigned URLs");
  EXPECT_EQ(admin_->Get(ArtifactPath(version) + "?redirect=maybe").status, 422);
  EXPECT_EQ(admin_->Get(ArtifactPath(version) + "?redirect=false").body, "artifact");
}

// The service on the S3 test server (MLOPS_TEST_S3_ENDPOINT), with buckets of its own.
class S3RedirectTest : public ServerTest {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("MLOPS_TEST_S3_ENDPOINT");
    if (endpoint == nullptr || *endpoint == '\0') {
      const char* required = std::getenv("MLOPS_REQUIRE_BACKENDS");
      if (required != nullptr && std::string(required) == "1") {
        FAIL() << "MLOPS_TEST_S3_ENDPOINT is unset but MLOPS_REQUIRE_BACKENDS=1";
      }
      GTEST_SKIP() << "set MLOPS_TEST_S3_ENDPOINT to run the S3 tests";
    }
    endpoint_ = endpoint;
    std::random_device rd;
    const std::string suffix = std::to_string(rd()) + std::to_string(rd());
    options_.env = {{"MINIO_ENDPOINT", endpoint_},
                    {"MINIO_ACCESS_KEY", "S3RVER"},
                    {"MINIO_SECRET_KEY", "S3RVER"},
                    {"MINIO_MODEL_BUCKET_NAME", "e2e-models-" + suffix},
                    {"MINIO_VALIDATION_REPORTS_BUCKET_NAME", "e2e-reports-" + suffix}};
    ServerTest::SetUp();
  }

  std::string endpoint_;
};

TEST_F(S3RedirectTest, RedirectLeadsToThePresignedObject) {
  const nlohmann::json version =
      UploadVersion(*admin_, CreateModel(*admin_, "s3-model"), "1.0", "bytes in s3");
  EXPECT_EQ(admin_->Get(ArtifactPath(version)).body, "bytes in s3");

  HttpResult r = admin_->Get(ArtifactPath(version) + "?redirect=true");
  ASSERT_EQ(r.status, 307) << r.body;
  const std::string location = r.header("location");
  ASSERT_EQ(location.rfind(endpoint_ + "/", 0), 0u) << location;
  EXPECT_NE(location.find("X-Amz-Signature="), std::string::npos) << location;
  // Followed without our API key: the signature alone grants access.
  HttpClient anonymous(endpoint_, "");
  HttpResult object = anonymous.Get(location.substr(endpoint_.size()));
  EXPECT_EQ(object.status, 200) << object.body;
  EXPECT_EQ(object.body, "bytes in s3");
}

}  // namespace
}  // namespace mlops::e2e
