// GET /models/versions/{id}/artifact?redirect=true: a 307 to a presigned URL on S3, and a clear
// 501 where the store cannot presign (the filesystem).
#include "harness.h"

namespace mlops::e2e {
namespace {

class ArtifactRedirectTest : public ServerTest {
 protected:
  std::string ArtifactPath(const nlohmann::json& version) const {
    return Api("/models/versions/" + version["id"].get<std::string>() + "/artifact");
  }
};

TEST_F(ArtifactRedirectTest, RedirectParameterIsABoolean) {
  const nlohmann::json version = UploadVersion(*admin_, CreateModel(*admin_, "model"), "1.0");
  EXPECT_EQ(admin_->Get(ArtifactPath(version) + "?redirect=maybe").status, 422);
  EXPECT_EQ(admin_->Get(ArtifactPath(version) + "?redirect=false").body, "artifact");
}

TEST_F(ArtifactRedirectTest, RedirectIsNotImplementedOnTheFilesystem) {
  if (RunningOnPostgresS3()) GTEST_SKIP() << "S3 presigns: see RedirectLeadsToThePresignedObject";
  const nlohmann::json version = UploadVersion(*admin_, CreateModel(*admin_, "fs-model"), "1.0");
  HttpResult r = admin_->Get(ArtifactPath(version) + "?redirect=true");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.json()["detail"], "this artifact store does not support presigned URLs");
}

TEST_F(ArtifactRedirectTest, RedirectLeadsToThePresignedObject) {
  if (!RunningOnPostgresS3()) GTEST_SKIP() << "the filesystem cannot presign";
  const std::string endpoint = options_.env.at("MINIO_ENDPOINT");
  const nlohmann::json version =
      UploadVersion(*admin_, CreateModel(*admin_, "s3-model"), "1.0", "bytes in s3");
  EXPECT_EQ(admin_->Get(ArtifactPath(version)).body, "bytes in s3");

  HttpResult r = admin_->Get(ArtifactPath(version) + "?redirect=true");
  ASSERT_EQ(r.status, 307) << r.body;
  const std::string location = r.header("location");
  ASSERT_EQ(location.rfind(endpoint + "/", 0), 0u) << location;
  EXPECT_NE(location.find("X-Amz-Signature="), std::string::npos) << location;
  // Followed without our API key: the signature alone grants access.
  HttpClient anonymous(endpoint, "");
  HttpResult object = anonymous.Get(location.substr(endpoint.size()));
  EXPECT_EQ(object.status, 200) << object.body;
  EXPECT_EQ(object.body, "bytes in s3");
}

}  // namespace
}  // namespace mlops::e2e
