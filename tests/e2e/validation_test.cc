// The validation API: triggers, results, reports, errors, and runs that survive a crash.
#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

constexpr char kUnknownUuid[] = "00000000-0000-4000-8000-000000000000";
const std::set<std::string> kFinal = {"PASSED", "FAILED", "WARNING", "SKIPPED"};

class ValidationTest : public ModelServerTest {
 protected:
  void SetUp() override {
    // Versions stay in PENDING_VALIDATION until a test triggers a run itself.
    options_.env["ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER"] = "false";
    ModelServerTest::SetUp();
  }

  std::string TriggerPath(const std::string& version_id) const {
    return Api("/validation/versions/" + version_id + "/trigger");
  }
  std::string ResultsPath(const std::string& version_id) const {
    return Api("/validation/versions/" + version_id + "/results");
  }
  std::string ResultPath(const std::string& result_id) const {
    return Api("/validation/results/" + result_id);
  }

  // Polls a version's results until every one is final; returns them.
  json WaitForResults(const std::string& version_id, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json results;
    while (std::chrono::steady_clock::now() < deadline) {
      HttpResult r = admin_->Get(ResultsPath(version_id));
      EXPECT_EQ(r.status, 200) << r.body;
      results = r.json();
      bool done = results.is_array() && !results.empty();
      for (const json& result : results) done = done && kFinal.count(result["status"]) > 0;
      if (done) return results;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "results did not finish in time: " << results.dump();
    return results;
  }

  json GetVersion(const std::string& id) {
    return admin_->Get(Api("/models/versions/" + id)).json();
  }
};

TEST_F(ValidationTest, TriggerAnswers202WithPendingResultsAndRunsToADecision) {
  const std::string version_id = UploadVersion(*admin_, model_id_, "1")["id"];
  HttpResult listed = admin_->Get(ResultsPath(version_id));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json(), json::array());
  EXPECT_EQ(listed.header("x-total-count"), "0");

  HttpResult triggered = admin_->PostJson(
      TriggerPath(version_id),
      {{"scan_types", {"security_container", "security_artifact", "security_container"}}});
  ASSERT_EQ(triggered.status, 202) << triggered.body;
  const json pending = triggered.json();
  ASSERT_EQ(pending.size(), 2u) << pending.dump();  // the duplicate is dropped
  EXPECT_EQ(pending[0]["scan_type"], "security_container");
  EXPECT_EQ(pending[1]["scan_type"], "security_artifact");
  for (const json& result : pending) {
    for (const char* field :
         {"id", "model_version_id", "scan_type", "status", "summary", "details", "details_path",
          "validated_at", "validated_by_user_id", "created_at", "trigger_id"}) {
      EXPECT_TRUE(result.contains(field)) << field << " missing in " << result.dump();
    }
    EXPECT_EQ(result["model_version_id"], version_id);
    EXPECT_EQ(result["trigger_id"], pending[0]["trigger_id"]);
    EXPECT_TRUE(result["details_path"].is_null());
  }

  const json results = WaitForResults(version_id, std::chrono::seconds(30));
  ASSERT_EQ(results.size(), 2u);
  ExpectListOrder(results);
  for (const json& result : results) {
    EXPECT_FALSE(result["summary"].get<std::string>().empty()) << result.dump();
    EXPECT_TRUE(result["details"].is_object()) << result.dump();
    HttpResult one = admin_->Get(ResultPath(result["id"]));
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(one.json(), result);

    HttpResult report = admin_->Get(ResultPath(result["id"]) + "/report");
    ASSERT_EQ(report.status, 200) << report.body;
    EXPECT_EQ(report.json()["result_id"], result["id"]);
    EXPECT_EQ(report.json()["status"], result["status"]);
    EXPECT_EQ(report.json()["attempt"], 1);
    EXPECT_EQ(result["details_path"], stores_->reports_bucket() + "/reports/" + version_id + "/" +
                                          result["id"].get<std::string>() + ".json");
  }
  // No external container scanner is configured here: that scan is SKIPPED, saying why.
  EXPECT_EQ(results[0]["scan_type"], "security_container");
  EXPECT_EQ(results[0]["status"], "SKIPPED");

  // functional_io is required by default and was not part of the run: the version fails, and
  // the decision names the run and its reasons.
  const json version = GetVersion(version_id);
  EXPECT_EQ(version["status"], "VALIDATION_FAILED") << version.dump();
  ASSERT_TRUE(version["validation_decision"].is_object()) << version.dump();
  EXPECT_EQ(version["validation_decision"]["trigger_id"], pending[0]["trigger_id"]);
  EXPECT_EQ(version["validation_decision"]["status"], "VALIDATION_FAILED");
  EXPECT_NE(version["validation_decision"]["reasons"].dump().find("functional_io"),
            std::string::npos)
      << version.dump();
  EXPECT_TRUE(version.contains("io_signature"));

  // A failed version may be validated again; it is PENDING_VALIDATION meanwhile.
  HttpResult again = admin_->Send("POST", TriggerPath(version_id), "", {});
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.json().size(), 5u);  // no body: the default pipeline
  EXPECT_EQ(GetVersion(version_id)["status"], "PENDING_VALIDATION");
  WaitForResults(version_id, std::chrono::seconds(30));
  HttpResult all = admin_->Get(ResultsPath(version_id) + "?limit=3");
  EXPECT_EQ(all.header("x-total-count"), "7");
  EXPECT_EQ(all.json().size(), 3u);
}

TEST_F(ValidationTest, ErrorsAreDetailedWithTheirStatusCodes) {
  const std::string version_id = UploadVersion(*admin_, model_id_, "1")["id"];
  auto expect = [](const HttpResult& r, long status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(r.json()["detail"].is_string()) << r.body;
  };
  expect(admin_->PostJson(Api("/validation/versions/not-a-uuid/trigger"), json::object()), 422);
  expect(admin_->PostJson(TriggerPath(kUnknownUuid), json::object()), 404);
  expect(admin_->PostJson(TriggerPath(version_id), {{"scan_types", {"virus_scan"}}}), 422);
  expect(admin_->PostJson(TriggerPath(version_id), {{"scan_types", "functional_io"}}), 422);
  expect(admin_->PostJson(TriggerPath(version_id), {{"scan_types", json::array()}}), 422);
  expect(admin_->Send("POST", TriggerPath(version_id), "{\"scan_types\": [",
                      {"Content-Type: application/json"}),
         400);
  expect(admin_->Send("POST", TriggerPath(version_id), "scan_types=functional_io",
                      {"Content-Type: text/plain"}),
         415);
  expect(admin_->Get(ResultPath("nope")), 422);
  expect(admin_->Get(ResultPath(kUnknownUuid)), 404);
  expect(admin_->Get(ResultPath(kUnknownUuid) + "/report"), 404);
  expect(admin_->Get(ResultsPath(kUnknownUuid)), 404);
  expect(admin_->Get(ResultsPath("nope")), 422);
  EXPECT_TRUE(admin_->Get(ResultsPath(version_id)).json().empty());  // nothing was queued

  ASSERT_EQ(admin_
                ->PatchJson(Api("/models/versions/" + version_id + "/status"),
                            {{"new_status", "ARCHIVED"}})
                .status,
            200);
  expect(admin_->PostJson(TriggerPath(version_id), json::object()), 409);
}

TEST_F(ValidationTest, ReportIsNotFoundUntilTheResultFinishes) {
  options_.env["MLOPS_TEST_ONLY_SCAN_DELAY_MS"] = "60000";  // jobs wait long before scanning
  Restart();
  const std::string version_id = UploadVersion(*admin_, model_id_, "1")["id"];
  HttpResult triggered =
      admin_->PostJson(TriggerPath(version_id), {{"scan_types", {"content_safety"}}});
  ASSERT_EQ(triggered.status, 202) << triggered.body;
  const std::string result_id = triggered.json()[0]["id"];
  HttpResult report = admin_->Get(ResultPath(result_id) + "/report");
  EXPECT_EQ(report.status, 404) << report.body;
  EXPECT_TRUE(report.json()["detail"].is_string());
  HttpResult busy = admin_->PostJson(TriggerPath(version_id), json::object());
  EXPECT_EQ(busy.status, 409) << busy.body;
}

TEST_F(ValidationTest, UploadTriggersTheDefaultPipelineWhenEnabled) {
  options_.env["ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER"] = "true";
  Restart();
  const json version = UploadVersion(*admin_, model_id_, "auto");
  EXPECT_EQ(version["status"], "PENDING_VALIDATION");
  const json results = WaitForResults(version["id"], std::chrono::seconds(30));
  std::set<std::string> types;
  for (const json& r : results) types.insert(r["scan_type"]);
  EXPECT_EQ(types,
            (std::set<std::string>{"security_artifact", "security_container", "functional_io",
                                   "performance_benchmark", "content_safety"}));
  const std::string status = GetVersion(version["id"])["status"];
  EXPECT_TRUE(status == "VALIDATED" || status == "VALIDATION_FAILED") << status;
}

// A version moved to PENDING_VALIDATION by PATCH gets the default pipeline queued with the move
// (whatever the upload trigger says), and reaches a decision instead of waiting forever.
TEST_F(ValidationTest, PatchToPendingValidationRunsTheDefaultPipelineToADecision) {
  options_.env["DEFAULT_MODEL_STATUS_ON_UPLOAD"] = "STAGING";
  Restart();
  const json version = UploadVersion(*admin_, model_id_, "patched");
  ASSERT_EQ(version["status"], "STAGING");
  const std::string version_id = version["id"];
  HttpResult moved = admin_->PatchJson(Api("/models/versions/" + version_id + "/status"),
                                       {{"new_status", "PENDING_VALIDATION"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["status"], "PENDING_VALIDATION");
  const json queued = admin_->Get(ResultsPath(version_id)).json();
  EXPECT_EQ(queued.size(), 5u) << "no run was queued with the move: " << queued.dump();

  const json results = WaitForResults(version_id, std::chrono::seconds(60));
  EXPECT_EQ(results.size(), 5u) << results.dump();
  const json decided = GetVersion(version_id);
  const std::string status = decided.value("status", "");
  EXPECT_TRUE(status == "VALIDATED" || status == "VALIDATION_FAILED") << decided.dump();
  ASSERT_TRUE(decided["validation_decision"].is_object()) << decided.dump();
  EXPECT_EQ(decided["validation_decision"]["trigger_id"], queued[0]["trigger_id"]);
  // A run is in progress no more: the version may be sent round again.
  HttpResult again = admin_->PostJson(TriggerPath(version_id), json::object());
  EXPECT_EQ(again.status, status == "VALIDATED" ? 409 : 202) << again.body;
}

// SIGKILL while jobs are RUNNING, then a restart: every job still finishes, and each result is
// written by exactly one run (the killed runs' leases expire and their jobs run again).
TEST_F(ValidationTest, RestartMidRunFinishesEveryJobExactlyOnce) {
  options_.env["MLOPS_TEST_ONLY_SCAN_DELAY_MS"] = "2000";
  options_.env["MLOPS_VALIDATION_LEASE_SECONDS"] = "2";
  options_.env["MLOPS_VALIDATION_WORKERS"] = "2";
  Restart();
  const std::string version_id = UploadVersion(*admin_, model_id_, "1")["id"];
  HttpResult triggered = admin_->Send("POST", TriggerPath(version_id), "", {});
  ASSERT_EQ(triggered.status, 202) << triggered.body;
  ASSERT_EQ(triggered.json().size(), 5u);

  std::set<std::string> running;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (running.empty() && std::chrono::steady_clock::now() < deadline) {
    for (const json& r : admin_->Get(ResultsPath(version_id)).json()) {
      if (r["status"] == "RUNNING") running.insert(r["id"]);
    }
    if (running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(running.empty()) << "no job was seen RUNNING";
  server_->StopWith(SIGKILL);
  Restart();

  const json results = WaitForResults(version_id, std::chrono::seconds(60));
  ASSERT_EQ(results.size(), 5u) << results.dump();
  EXPECT_EQ(admin_->Get(ResultsPath(version_id)).header("x-total-count"), "5");
  int retried = 0;
  for (const json& r : results) {
    HttpResult report = admin_->Get(ResultPath(r["id"]) + "/report");
    ASSERT_EQ(report.status, 200) << report.body;
    EXPECT_EQ(report.json()["result_id"], r["id"]);
    EXPECT_EQ(report.json()["status"], r["status"]);
    const int attempt = report.json()["attempt"];
    EXPECT_GE(attempt, 1);
    EXPECT_LE(attempt, 2) << r.dump();
    if (attempt == 2) ++retried;
  }
  EXPECT_GE(retried, 1) << "the jobs killed while RUNNING should have run a second time";
  const json version = GetVersion(version_id);
  EXPECT_EQ(version["status"], "VALIDATION_FAILED") << version.dump();
  EXPECT_EQ(version["validation_decision"]["trigger_id"], triggered.json()[0]["trigger_id"]);
}

}  // namespace
}  // namespace mlops::e2e
