// PostgreSQL going away under a running service: requests that need it answer 503 with a
// detail (no crash, no hang), /health/ready names the metadata store, and the service recovers by
// itself when the database returns. The test runs its own cluster, to stop and restart it.
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

// Runs scripts/test-postgres.sh `command` on the cluster in `dir`; its output, or nullopt if it
// fails.
std::optional<std::string> TestPostgres(const std::string& command, const std::string& dir) {
  const std::string line =
      std::string(MLOPS_SOURCE_DIR) + "/scripts/test-postgres.sh " + command + " " + dir;
  FILE* out = popen(line.c_str(), "r");
  if (out == nullptr) return std::nullopt;
  std::string text;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, out) != nullptr) text += buffer;
  const int status = pclose(out);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

class DatabaseOutageTest : public ServerTest {
 protected:
  void SetUp() override {
    if (!RunningOnPostgresS3()) GTEST_SKIP() << "a PostgreSQL outage: see postgres_s3.*";
    // Beside the test's directory, not in it: the cluster runs as the postgres user, who cannot
    // enter the test's private directory.
    cluster_ = dir_.path() + "-postgres";
    const std::optional<std::string> url = TestPostgres("start", cluster_);
    ASSERT_TRUE(url.has_value()) << "cannot start a PostgreSQL cluster in " << cluster_;
    options_.env["DATABASE_URL"] = *url;
    ServerTest::SetUp();
  }
  void TearDown() override {
    if (!cluster_.empty()) TestPostgres("stop", cluster_);
  }

  // Polls `path` until it answers `status` (at most 30 s); the last answer.
  HttpResult WaitFor(const std::string& path, long status) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    HttpResult r = admin_->Get(path);
    while (r.status != status && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r = admin_->Get(path);
    }
    return r;
  }

  std::string cluster_;
};

TEST_F(DatabaseOutageTest, RoutesAnswer503WhileTheDatabaseIsDownAndRecoverAfter) {
  const std::string model_id = CreateModel(*admin_, "survivor");
  ASSERT_EQ(admin_->Get("/health/ready").status, 200);

  ASSERT_TRUE(TestPostgres("halt", cluster_).has_value());

  HttpResult ready = admin_->Get("/health/ready");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(ready.json()["detail"].get<std::string>().rfind("metadata store unavailable", 0), 0u)
      << ready.body;
  EXPECT_EQ(ready.json()["checks"]["artifact_store"], "ok") << ready.body;
  for (const HttpResult& r :
       {admin_->Get(Api("/models/" + model_id)), admin_->Get(Api("/models")),
        admin_->PostJson(Api("/models"), {{"name", "during-outage"}, {"task_type", "t"}}),
        admin_->UploadVersion(model_id, VersionDetails("1"), "m.onnx", "bytes")}) {
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
  EXPECT_EQ(admin_->Get("/health/live").status, 200);

  ASSERT_TRUE(TestPostgres("resume", cluster_).has_value());

  EXPECT_EQ(WaitFor("/health/ready", 200).status, 200);
  HttpResult model = WaitFor(Api("/models/" + model_id), 200);
  EXPECT_EQ(model.status, 200) << model.body;
  EXPECT_EQ(model.json()["name"], "survivor");
  // Nothing of the refused requests was kept, and writes work again.
  EXPECT_EQ(admin_->Get(Api("/models")).header("x-total-count"), "1");
  EXPECT_EQ(admin_->UploadVersion(model_id, VersionDetails("1"), "m.onnx", "bytes").status, 201);
  EXPECT_EQ(stores_->StoredArtifacts().size(), 1u);
}

}  // namespace
}  // namespace mlops::e2e
