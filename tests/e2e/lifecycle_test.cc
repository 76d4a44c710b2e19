// Status transitions through PATCH /models/versions/{id}/status.
//
// These tests start versions in STAGING (DEFAULT_MODEL_STATUS_ON_UPLOAD=STAGING), which the
// upload trigger leaves alone, and move them by PATCH only (the runs a move to
// PENDING_VALIDATION queues are left queued: validation_test.cc runs them). VALIDATED and
// VALIDATION_FAILED are set only by the validation pipeline (tests/e2e/validation_test.cc); the
// transitions out of VALIDATED, PRODUCTION and DEPRECATED are covered by the unit tests of the
// lifecycle.
#include <algorithm>
#include <string>
#include <vector>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

const std::vector<std::string> kAllStatuses = {
    "STAGING",    "PENDING_VALIDATION", "VALIDATED", "VALIDATION_FAILED",
    "PRODUCTION", "DEPRECATED",         "ARCHIVED"};

class LifecycleTest : public ModelServerTest {
 protected:
  void SetUp() override {
    options_.env["DEFAULT_MODEL_STATUS_ON_UPLOAD"] = "STAGING";
    // A move to PENDING_VALIDATION queues a run; no worker runs it here, so that the version
    // stays where the test put it.
    options_.env["MLOPS_VALIDATION_WORKERS"] = "0";
    ModelServerTest::SetUp();
  }
  // A new version, in STAGING.
  std::string NewVersion() {
    const json v = UploadVersion(*admin_, model_id_, "v" + std::to_string(++versions_));
    EXPECT_EQ(v.value("status", ""), "STAGING");
    return v.value("id", "");
  }
  HttpResult Move(const std::string& id, const std::string& to) const {
    return admin_->PatchJson(StatusPath(id), {{"new_status", to}});
  }
  std::string StatusPath(const std::string& id) const {
    return Api("/models/versions/" + id + "/status");
  }
  std::string StatusOf(const std::string& id) const {
    return admin_->Get(Api("/models/versions/" + id)).json().value("status", "");
  }
  // Every move out of `from` other than `allowed` is 409, names both states, and changes nothing.
  void ExpectOnlyAllowed(const std::string& id, const std::string& from,
                         const std::vector<std::string>& allowed) const {
    ASSERT_EQ(StatusOf(id), from);
    for (const std::string& to : kAllStatuses) {
      if (std::find(allowed.begin(), allowed.end(), to) != allowed.end()) continue;
      HttpResult r = Move(id, to);
      EXPECT_EQ(r.status, 409) << from << " -> " << to << ": " << r.body;
      const std::string detail = r.json().value("detail", "");
      EXPECT_NE(detail.find(from), std::string::npos) << detail;
      EXPECT_NE(detail.find(to), std::string::npos) << detail;
      EXPECT_EQ(StatusOf(id), from) << "after " << from << " -> " << to;
    }
  }

  int versions_ = 0;
};

TEST_F(LifecycleTest, StagingToPendingValidationToArchived) {
  const std::string id = NewVersion();
  const json before = admin_->Get(Api("/models/versions/" + id)).json();
  HttpResult r = Move(id, "PENDING_VALIDATION");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "PENDING_VALIDATION");
  EXPECT_EQ(r.json()["id"], id);
  EXPECT_EQ(r.json()["artifact_sha256"], before["artifact_sha256"]);
  EXPECT_GE(r.json()["updated_at"].get<std::string>(), before["updated_at"].get<std::string>());
  EXPECT_EQ(StatusOf(id), "PENDING_VALIDATION");

  r = Move(id, "ARCHIVED");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "ARCHIVED");
  EXPECT_EQ(StatusOf(id), "ARCHIVED");
}

TEST_F(LifecycleTest, StagingToArchived) {
  const std::string id = NewVersion();
  HttpResult r = Move(id, "ARCHIVED");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "ARCHIVED");
  EXPECT_EQ(StatusOf(id), "ARCHIVED");
}

TEST_F(LifecycleTest, IllegalMovesOutOfStagingAre409) {
  ExpectOnlyAllowed(NewVersion(), "STAGING", {"PENDING_VALIDATION", "ARCHIVED"});
}

TEST_F(LifecycleTest, IllegalMovesOutOfPendingValidationAre409) {
  const std::string id = NewVersion();
  ASSERT_EQ(Move(id, "PENDING_VALIDATION").status, 200);
  ExpectOnlyAllowed(id, "PENDING_VALIDATION", {"ARCHIVED"});
}

TEST_F(LifecycleTest, ArchivedIsFinal) {
  const std::string id = NewVersion();
  ASSERT_EQ(Move(id, "ARCHIVED").status, 200);
  ExpectOnlyAllowed(id, "ARCHIVED", {});
}

TEST_F(LifecycleTest, ValidationOutcomesAreNotSetByPatch) {
  const std::string id = NewVersion();
  ASSERT_EQ(Move(id, "PENDING_VALIDATION").status, 200);
  for (const std::string to : {"VALIDATED", "VALIDATION_FAILED"}) {
    HttpResult r = Move(id, to);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.json().value("detail", "").find("validation pipeline"), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(StatusOf(id), "PENDING_VALIDATION");
}

TEST_F(LifecycleTest, BadRequestsAreRefused) {
  const std::string id = NewVersion();
  for (const json& body : {json{{"new_status", "LIVE"}}, json{{"new_status", "staging"}},
                           json{{"new_status", 3}}, json::object(), json{{"status", "ARCHIVED"}}}) {
    HttpResult r = admin_->PatchJson(StatusPath(id), body);
    EXPECT_EQ(r.status, 422) << body.dump() << ": " << r.body;
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
  EXPECT_EQ(admin_
                ->Send("PATCH", StatusPath(id), R"({"new_status":"ARCHIVED"})",
                       {"Content-Type: text/plain"})
                .status,
            415);
  EXPECT_EQ(
      admin_->Send("PATCH", StatusPath(id), R"({"new_status":)", {"Content-Type: application/json"})
          .status,
      400);
  EXPECT_EQ(StatusOf(id), "STAGING");
  EXPECT_EQ(Move("1b4e28ba-2fa1-4d2e-883f-0016d3cca427", "ARCHIVED").status, 404);
  EXPECT_EQ(Move("not-a-uuid", "ARCHIVED").status, 422);
}

}  // namespace
}  // namespace mlops::e2e
