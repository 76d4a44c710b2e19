#include "harness.h"

namespace mlops::e2e {
namespace {

class SmokeTest : public ServerTest {};

TEST_F(SmokeTest, LivenessIsOpenAndModelsNeedAKey) {
  HttpClient anonymous(server_->base_url(), "");
  EXPECT_EQ(anonymous.Get("/health/live").status, 200);
  HttpResult r = anonymous.Get(Api("/models"));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.json().contains("detail")) << r.body;
}

TEST_F(SmokeTest, CreateUploadDownload) {
  const std::string model_id = CreateModel(*admin_, "smoke-model");
  nlohmann::json version = UploadVersion(*admin_, model_id, "1.0", "hello artifact");
  EXPECT_EQ(version["status"], "PENDING_VALIDATION");
  HttpResult download =
      admin_->Get(Api("/models/versions/" + version["id"].get<std::string>() + "/artifact"));
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body, "hello artifact");
}

}  // namespace
}  // namespace mlops::e2e
