// Two `mlops serve` replicas on one PostgreSQL database and one bucket: conflicting requests
// spread over both keep the invariants of docs/http-api.md, every loser gets 409, nothing is stored
// twice.
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

class ReplicaTest : public ServerTest {
 protected:
  void SetUp() override {
    if (!RunningOnPostgresS3())
      GTEST_SKIP() << "replicas share PostgreSQL and S3: see postgres_s3.*";
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    ServerProcess::Options second = options_;
    second.data_dir = second_dir_.path();
    second_ = ServerProcess::Start(second);
    ASSERT_NE(second_, nullptr);
  }

  // The base URL of replica `i % 2`: requests alternate between the two.
  std::string Replica(int i) const { return (i % 2 == 0 ? server_ : second_)->base_url(); }

  // Runs `request` `n` times at once, alternating replicas, and returns the statuses.
  std::vector<HttpResult> InParallel(
      int n, const std::function<HttpResult(const HttpClient&, int)>& request) {
    std::vector<HttpResult> results(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] { results[i] = request(HttpClient(Replica(i), kAdminKey), i); });
    }
    for (auto& t : threads) t.join();
    return results;
  }

  static int Count(const std::vector<HttpResult>& results, long status) {
    int n = 0;
    for (const HttpResult& r : results) n += r.status == status ? 1 : 0;
    return n;
  }

  TempDir second_dir_;
  std::unique_ptr<ServerProcess> second_;
};

TEST_F(ReplicaTest, OneModelNameWinsAcrossReplicas) {
  const auto results = InParallel(16, [&](const HttpClient& client, int) {
    return client.PostJson(Api("/models"), {{"name", "contested"}, {"task_type", "t"}});
  });
  EXPECT_EQ(Count(results, 201), 1);
  EXPECT_EQ(Count(results, 409), 15);
  for (const HttpResult& r : results) EXPECT_TRUE(r.json().is_object()) << r.body;
  // Both replicas see the one model.
  for (int i = 0; i < 2; ++i) {
    const HttpResult list =
        HttpClient(Replica(i), kAdminKey).Get(Api("/models?name_prefix=contested"));
    EXPECT_EQ(list.header("x-total-count"), "1") << list.body;
  }
}

TEST_F(ReplicaTest, OneVersionStringWinsAndOnlyItsArtifactIsKept) {
  const std::string model_id = CreateModel(*admin_, "shared");
  const auto results = InParallel(8, [&](const HttpClient& client, int i) {
    return client.UploadVersion(model_id, VersionDetails("1.0"), "model.onnx",
                                PseudoRandomBytes((6 << 20) + i, static_cast<std::uint32_t>(i)));
  });
  std::string statuses;
  for (const HttpResult& r : results) statuses += std::to_string(r.status) + " " + r.body + "\n";
  ASSERT_EQ(Count(results, 201), 1) << statuses;
  EXPECT_EQ(Count(results, 409), 7) << statuses;
  json winner;
  int winner_index = -1;
  for (int i = 0; i < 8; ++i) {
    if (results[i].status == 201) {
      winner = results[i].json();
      winner_index = i;
    }
  }
  const std::string winner_bytes =
      PseudoRandomBytes((6 << 20) + winner_index, static_cast<std::uint32_t>(winner_index));
  EXPECT_EQ(winner["artifact_sha256"], Sha256Hex(winner_bytes));
  EXPECT_EQ(stores_->StoredArtifacts(), std::vector<std::string>{winner["artifact_path"]});
  // The losers' uploads did not overwrite the winner's object.
  EXPECT_TRUE(stores_->ReadArtifact(winner["artifact_path"]) == winner_bytes);
  for (int i = 0; i < 2; ++i) {
    const HttpResult download =
        HttpClient(Replica(i), kAdminKey)
            .Get(Api("/models/versions/" + winner.value("id", "") + "/artifact"));
    EXPECT_EQ(Sha256Hex(download.body), winner["artifact_sha256"]);
  }
}

TEST_F(ReplicaTest, ConcurrentStatusChangesSerialize) {
  // Archiving is final: of racing moves of one version, exactly one ARCHIVED wins; a move to
  // PENDING_VALIDATION racing it either wins before it or loses with 409.
  const std::string model_id = CreateModel(*admin_, "lifecycle");
  const json version = UploadVersion(*admin_, model_id, "1");
  const std::string path = Api("/models/versions/" + version.value("id", "") + "/status");
  const auto results = InParallel(8, [&](const HttpClient& client, int) {
    return client.PatchJson(path, {{"new_status", "ARCHIVED"}});
  });
  EXPECT_EQ(Count(results, 200), 1);
  EXPECT_EQ(Count(results, 409), 7);
  EXPECT_EQ(admin_->Get(Api("/models/versions/" + version.value("id", ""))).json()["status"],
            "ARCHIVED");
}

}  // namespace
}  // namespace mlops::e2e
