// The validation service, job runner and worker pool over SQLite and the filesystem store, with
// test-double scanners that return fixed outcomes.
#include "services/validation_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "artifacts/filesystem_artifact_store.h"
#include "common/time.h"
#include "common/uuid.h"
#include "services/registry_service.h"
#include "services/upload_service.h"
#include "services/validation_job_runner.h"
#include "services/validation_worker_pool.h"
#include "store/sqlite/sqlite_metadata_store.h"
#include "testing/temp_dir.h"

namespace mlops {
namespace {

using ::testing::HasSubstr;
using S = ModelVersionStatus;
using VS = ValidationStatus;

constexpr char kArtifactBytes[] = "pretend this is an ONNX graph";

// A scanner that returns a fixed outcome and remembers what it was shown.
class FixedScanner : public validation::Scanner {
 public:
  FixedScanner(ScanType type, validation::ScanOutcome outcome)
      : type_(type), outcome_(std::move(outcome)) {}
  ScanType type() const override { return type_; }
  validation::ScanOutcome Scan(const validation::ScanSubject& subject) override {
    std::ifstream in(subject.artifact_file, std::ios::binary);
    std::lock_guard lock(mutex_);
    seen_bytes_.assign(std::istreambuf_iterator<char>(in), {});
    seen_file_name_ = subject.file_name;
    seen_version_ = subject.version.id;
    ++scans_;
    if (during_scan_) during_scan_();
    return outcome_;
  }

  std::function<void()> during_scan_;
  std::mutex mutex_;
  std::string seen_bytes_;
  std::string seen_file_name_;
  std::string seen_version_;
  int scans_ = 0;

 private:
  ScanType type_;
  validation::ScanOutcome outcome_;
};

class ThrowingScanner : public validation::Scanner {
 public:
  ScanType type() const override { return ScanType::kPerformanceBenchmark; }
  validation::ScanOutcome Scan(const validation::ScanSubject&) override {
    throw std::runtime_error("benchmark exploded");
  }
};

validation::ScanOutcome Outcome(VS status, std::string summary,
                                std::optional<JsonText> io_signature = std::nullopt) {
  validation::ScanOutcome o;
  o.status = status;
  o.summary = std::move(summary);
  o.details = R"({"findings":[]})";
  o.report = R"({"checked":["everything"]})";
  o.io_signature = std::move(io_signature);
  return o;
}

class ValidationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(SqliteMetadataStore::Open(dir_.File("db")).value());
    ASSERT_TRUE(store_->Migrate().ok());
    artifacts_ = std::move(FilesystemArtifactStore::Open(dir_.File("artifacts")).value());
    settings_.reports_bucket = "reports";
    settings_.default_pipeline = {ScanType::kSecurityArtifact, ScanType::kFunctionalIo};
    settings_.scratch_dir = dir_.path().string();
    Rebuild();
    model_ = registry_->CreateModel({"m", std::nullopt, "classification", std::nullopt}).value();
  }

  // Recreates the services after a change of settings_.
  void Rebuild() {
    validation_ = std::make_unique<ValidationService>(*store_, *artifacts_, settings_);
    registry_ = std::make_unique<RegistryService>(*store_, validation_.get());
    uploads_ = std::make_unique<UploadService>(*store_, *artifacts_,
                                               UploadSettings{"models", 1 << 20, initial_status_},
                                               validation_.get());
    runner_ = std::make_unique<ValidationJobRunner>(*store_, *artifacts_, scanners_,
                                                    validation_->settings());
  }

  FixedScanner& AddFixed(ScanType type, validation::ScanOutcome outcome) {
    auto scanner = std::make_unique<FixedScanner>(type, std::move(outcome));
    FixedScanner& ref = *scanner;
    validation::AddScanner(scanners_, std::move(scanner));
    return ref;
  }

  ModelVersion Upload(const std::string& version_string) {
    NewVersion in;
    in.version_string = version_string;
    in.model_format = ModelFormat::kOnnx;
    auto upload = uploads_->Begin(model_.id, in, "model.onnx", "uploader-1");
    EXPECT_TRUE(upload.ok()) << upload.status().ToString();
    EXPECT_TRUE((*upload)->Write(kArtifactBytes).ok());
    StatusOr<ModelVersion> version = (*upload)->Commit();
    EXPECT_TRUE(version.ok()) << version.status().ToString();
    return *version;
  }

  // Runs queued jobs on this thread until none is left; returns how many ran.
  int RunAll() {
    StopSignal running;
    int ran = 0;
    while (true) {
      StatusOr<bool> one = runner_->RunOne(running);
      EXPECT_TRUE(one.ok()) << one.status().ToString();
      if (!one.ok() || !*one) return ran;
      ++ran;
    }
  }

  ModelVersion Version(const std::string& id) { return registry_->GetVersion(id).value(); }
  std::vector<ValidationResult> Results(const std::string& version_id) {
    return validation_->ListResults(version_id, {}).value().items;
  }
  nlohmann::json Report(const std::string& result_id) {
    StatusOr<ValidationReport> report = validation_->OpenReport(result_id);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return nullptr;
    std::string text;
    while (true) {
      std::string chunk = report->reader->Read(1 << 16).value();
      if (chunk.empty()) break;
      text += chunk;
    }
    EXPECT_EQ(static_cast<std::int64_t>(text.size()), report->size_bytes);
    return nlohmann::json::parse(text);
  }

  test::TempDir dir_{"mlops-validation"};
  std::unique_ptr<SqliteMetadataStore> store_;
  std::unique_ptr<FilesystemArtifactStore> artifacts_;
  ValidationSettings settings_;
  ModelVersionStatus initial_status_ = S::kPendingValidation;
  validation::ScannerRegistry scanners_;
  std::unique_ptr<RegistryService> registry_;
  std::unique_ptr<ValidationService> validation_;
  std::unique_ptr<UploadService> uploads_;
  std::unique_ptr<ValidationJobRunner> runner_;
  Model model_;
};

TEST_F(ValidationServiceTest, UploadQueuesTheDefaultPipelineAndPassingScansValidate) {
  FixedScanner& security = AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  AddFixed(ScanType::kFunctionalIo,
           Outcome(VS::kPassed, "ran once", R"({"inputs":[{"name":"x","shape":[1,3]}]})"));
  const ModelVersion version = Upload("1");

  std::vector<ValidationResult> queued = Results(version.id);
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[0].scan_type, ScanType::kSecurityArtifact);
  EXPECT_EQ(queued[1].scan_type, ScanType::kFunctionalIo);
  for (const ValidationResult& r : queued) {
    EXPECT_EQ(r.status, VS::kPending);
    EXPECT_EQ(r.trigger_id, queued[0].trigger_id);
    EXPECT_EQ(r.validated_by_user_id, "uploader-1");
    EXPECT_FALSE(r.details_path.has_value());
    EXPECT_EQ(validation_->OpenReport(r.id).status().code(), StatusCode::kNotFound);
  }

  EXPECT_EQ(RunAll(), 2);
  EXPECT_EQ(security.seen_bytes_, kArtifactBytes);
  EXPECT_EQ(security.seen_file_name_, "model.onnx");
  EXPECT_EQ(security.seen_version_, version.id);

  const std::vector<ValidationResult> done = Results(version.id);
  for (const ValidationResult& r : done) {
    EXPECT_EQ(r.status, VS::kPassed);
    EXPECT_EQ(r.details, R"({"findings":[]})");
    EXPECT_EQ(r.details_path, "reports/reports/" + version.id + "/" + r.id + ".json");
    const nlohmann::json report = Report(r.id);
    EXPECT_EQ(report["result_id"], r.id);
    EXPECT_EQ(report["attempt"], 1);
    EXPECT_EQ(report["report"]["checked"][0], "everything");
  }
  const ModelVersion validated = Version(version.id);
  EXPECT_EQ(validated.status, S::kValidated);
  EXPECT_EQ(validated.io_signature, R"({"inputs":[{"name":"x","shape":[1,3]}]})");
  ASSERT_TRUE(validated.validation_decision.has_value());
  const nlohmann::json decision = nlohmann::json::parse(*validated.validation_decision);
  EXPECT_EQ(decision["status"], "VALIDATED");
  EXPECT_EQ(decision["trigger_id"], queued[0].trigger_id);
  EXPECT_EQ(decision["decided_by"], nlohmann::json::array({done[0].id, done[1].id}));
}

TEST_F(ValidationServiceTest, FailedScanFailsTheVersionNamingTheResult) {
  AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kFailed, "imports os.system"));
  AddFixed(ScanType::kFunctionalIo, Outcome(VS::kPassed, "ran once"));
  const ModelVersion version = Upload("1");
  RunAll();
  const ModelVersion failed = Version(version.id);
  EXPECT_EQ(failed.status, S::kValidationFailed);
  const nlohmann::json decision = nlohmann::json::parse(failed.validation_decision.value());
  EXPECT_EQ(decision["decided_by"], nlohmann::json::array({Results(version.id)[0].id}));
  EXPECT_THAT(decision["reasons"][0].get<std::string>(), HasSubstr("imports os.system"));
}

TEST_F(ValidationServiceTest, TypeWithoutScannerIsSkippedAndARequiredSkipFails) {
  AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  const ModelVersion version = Upload("1");
  RunAll();
  const std::vector<ValidationResult> results = Results(version.id);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].status, VS::kSkipped);
  EXPECT_EQ(results[1].summary, "no scanner for this type is built in");
  EXPECT_EQ(Version(version.id).status, S::kValidationFailed);
}

TEST_F(ValidationServiceTest, ThrowingScannerAndNonFinalOutcomesFail) {
  validation::AddScanner(scanners_, std::make_unique<ThrowingScanner>());
  AddFixed(ScanType::kContentSafety, Outcome(VS::kRunning, "still going"));
  validation::ScanOutcome bad_json = Outcome(VS::kPassed, "fine");
  bad_json.details = "not json";
  AddFixed(ScanType::kSecurityContainer, bad_json);
  settings_.trigger_on_upload = false;
  Rebuild();
  const ModelVersion version = Upload("1");
  ASSERT_TRUE(
      validation_
          ->Trigger(version.id,
                    std::vector<ScanType>{ScanType::kPerformanceBenchmark, ScanType::kContentSafety,
                                          ScanType::kSecurityContainer},
                    std::nullopt)
          .ok());
  RunAll();
  const std::vector<ValidationResult> results = Results(version.id);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, VS::kFailed);
  EXPECT_THAT(results[0].summary.value(), HasSubstr("benchmark exploded"));
  EXPECT_EQ(results[1].status, VS::kFailed);
  EXPECT_THAT(results[1].summary.value(), HasSubstr("non-final status RUNNING"));
  EXPECT_EQ(results[2].status, VS::kFailed);
  EXPECT_THAT(results[2].summary.value(), HasSubstr("not a JSON object"));
}

TEST_F(ValidationServiceTest, TriggerOffOrStagingUploadQueuesNothing) {
  settings_.trigger_on_upload = false;
  Rebuild();
  EXPECT_TRUE(Results(Upload("off").id).empty());

  settings_.trigger_on_upload = true;
  initial_status_ = S::kStaging;
  Rebuild();
  const ModelVersion staged = Upload("staged");
  EXPECT_TRUE(Results(staged.id).empty());
  EXPECT_EQ(Version(staged.id).status, S::kStaging);
}

TEST_F(ValidationServiceTest, TriggerMovesStagingAndFailedVersionsToPendingValidation) {
  initial_status_ = S::kStaging;
  Rebuild();
  const ModelVersion version = Upload("1");
  StatusOr<std::vector<ValidationResult>> first = validation_->Trigger(
      version.id, std::vector<ScanType>{ScanType::kContentSafety, ScanType::kContentSafety},
      "manager-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);  // duplicates dropped
  EXPECT_EQ((*first)[0].validated_by_user_id, "manager-1");
  EXPECT_EQ(Version(version.id).status, S::kPendingValidation);

  const Status again = validation_->Trigger(version.id, std::nullopt, std::nullopt).status();
  EXPECT_EQ(again.code(), StatusCode::kConflict);
  EXPECT_THAT(again.message(), HasSubstr("in progress"));

  RunAll();  // no scanner at all: everything SKIPPED, so the run fails
  EXPECT_EQ(Version(version.id).status, S::kValidationFailed);

  AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  AddFixed(ScanType::kFunctionalIo, Outcome(VS::kWarning, "slow but fine"));
  ASSERT_TRUE(validation_->Trigger(version.id, std::nullopt, std::nullopt).ok());
  EXPECT_EQ(Version(version.id).status, S::kPendingValidation);
  RunAll();
  EXPECT_EQ(Version(version.id).status, S::kValidated);
  EXPECT_EQ(Results(version.id).size(), 3u);

  const Status validated = validation_->Trigger(version.id, std::nullopt, std::nullopt).status();
  EXPECT_EQ(validated.code(), StatusCode::kConflict);
  EXPECT_THAT(validated.message(), HasSubstr("VALIDATED"));
}

// A user's move to PENDING_VALIDATION is a request for a run: without one queued in the same
// transaction the version would wait for a decision forever. The upload trigger's setting is
// about uploads only.
TEST_F(ValidationServiceTest, MoveToPendingValidationQueuesTheDefaultPipeline) {
  settings_.trigger_on_upload = false;
  initial_status_ = S::kStaging;
  Rebuild();
  const ModelVersion version = Upload("1");
  ASSERT_TRUE(Results(version.id).empty());

  StatusOr<ModelVersion> moved = registry_->ChangeVersionStatus(
      version.id, S::kPendingValidation, TransitionActor::kUser, "manager-1");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->status, S::kPendingValidation);
  const std::vector<ValidationResult> queued = Results(version.id);
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[0].scan_type, ScanType::kSecurityArtifact);
  EXPECT_EQ(queued[1].scan_type, ScanType::kFunctionalIo);
  for (const ValidationResult& r : queued) {
    EXPECT_EQ(r.status, VS::kPending);
    EXPECT_EQ(r.validated_by_user_id, "manager-1");
  }
  EXPECT_EQ(RunAll(), 2);  // no scanner: all SKIPPED, so the run fails
  EXPECT_EQ(Version(version.id).status, S::kValidationFailed);

  // Moved back after a failure, it gets a new run that decides again.
  AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  AddFixed(ScanType::kFunctionalIo, Outcome(VS::kPassed, "ran"));
  ASSERT_TRUE(
      registry_->ChangeVersionStatus(version.id, S::kPendingValidation, TransitionActor::kUser)
          .ok());
  EXPECT_EQ(Results(version.id).size(), 4u);
  EXPECT_EQ(RunAll(), 2);
  EXPECT_EQ(Version(version.id).status, S::kValidated);

  // Other moves queue nothing.
  const ModelVersion other = Upload("2");
  ASSERT_TRUE(registry_->ChangeVersionStatus(other.id, S::kArchived, TransitionActor::kUser).ok());
  EXPECT_TRUE(Results(other.id).empty());
}

TEST_F(ValidationServiceTest, TriggerErrors) {
  EXPECT_EQ(validation_->Trigger(NewUuid(), std::nullopt, std::nullopt).status().code(),
            StatusCode::kNotFound);
  settings_.trigger_on_upload = false;
  Rebuild();
  const ModelVersion version = Upload("1");
  EXPECT_EQ(validation_->Trigger(version.id, std::vector<ScanType>{}, std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      registry_->ChangeVersionStatus(version.id, S::kArchived, TransitionActor::kUser).ok());
  const Status archived = validation_->Trigger(version.id, std::nullopt, std::nullopt).status();
  EXPECT_EQ(archived.code(), StatusCode::kConflict);
  EXPECT_THAT(archived.message(), HasSubstr("ARCHIVED"));
  EXPECT_EQ(validation_->ListResults(NewUuid(), {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(validation_->GetResult(NewUuid()).status().code(), StatusCode::kNotFound);
}

TEST_F(ValidationServiceTest, ArchivedDuringTheRunKeepsItsStatus) {
  FixedScanner& security = AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  AddFixed(ScanType::kFunctionalIo, Outcome(VS::kPassed, "ran"));
  const ModelVersion version = Upload("1");
  security.during_scan_ = [&] {
    ASSERT_TRUE(
        registry_->ChangeVersionStatus(version.id, S::kArchived, TransitionActor::kUser).ok());
  };
  RunAll();
  EXPECT_EQ(Version(version.id).status, S::kArchived);
  for (const ValidationResult& r : Results(version.id)) EXPECT_EQ(r.status, VS::kPassed);
}

TEST_F(ValidationServiceTest, RunThatLostItsLeaseWritesNothing) {
  FixedScanner& security = AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kFailed, "bad"));
  settings_.default_pipeline = {ScanType::kSecurityArtifact};
  Rebuild();
  const ModelVersion version = Upload("1");
  const std::string result_id = Results(version.id)[0].id;
  // While the scan runs, its lease expires and another worker takes the job over.
  security.during_scan_ = [&] {
    ASSERT_TRUE(store_
                    ->Write([&](MetadataTx& tx) {
                      return tx.ReclaimExpiredValidationJobs(NowMs() + 3'600'000).status();
                    })
                    .ok());
    ASSERT_TRUE(store_
                    ->Write([&](MetadataTx& tx) {
                      return tx.ClaimValidationJob("successor", NowMs(), NowMs() + 60'000).status();
                    })
                    .ok());
  };
  StopSignal running;
  ASSERT_TRUE(runner_->RunOne(running).ok());
  const ValidationResult result = validation_->GetResult(result_id).value();
  EXPECT_EQ(result.status, VS::kRunning);
  EXPECT_FALSE(result.details_path.has_value());
  EXPECT_EQ(Version(version.id).status, S::kPendingValidation);
  EXPECT_FALSE(
      artifacts_->Stat("reports", "reports/" + version.id + "/" + result_id + ".json").ok());
}

TEST_F(ValidationServiceTest, JobInterruptedTooOftenFailsWithoutScanning) {
  FixedScanner& security = AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  settings_.default_pipeline = {ScanType::kSecurityArtifact};
  settings_.max_attempts = 2;
  Rebuild();
  const ModelVersion version = Upload("1");
  for (int crash = 0; crash < 2; ++crash) {  // claimed, then its worker dies
    ASSERT_TRUE(store_
                    ->Write([&](MetadataTx& tx) -> Status {
                      RETURN_IF_ERROR(tx.ClaimValidationJob("dies", 1, 2).status());
                      return tx.ReclaimExpiredValidationJobs(3).status();
                    })
                    .ok());
  }
  RunAll();
  EXPECT_EQ(security.scans_, 0);
  const ValidationResult result = Results(version.id)[0];
  EXPECT_EQ(result.status, VS::kFailed);
  EXPECT_THAT(result.summary.value(), HasSubstr("interrupted 2 times"));
  EXPECT_EQ(Report(result.id)["attempt"], 3);
}

TEST_F(ValidationServiceTest, StopBeforeTheScanReleasesTheJob) {
  FixedScanner& security = AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  settings_.default_pipeline = {ScanType::kSecurityArtifact};
  settings_.test_only_scan_delay = std::chrono::milliseconds(60'000);
  Rebuild();
  const ModelVersion version = Upload("1");
  StopSignal stopped;
  stopped.Stop();
  StatusOr<bool> ran = runner_->RunOne(stopped);
  ASSERT_TRUE(ran.ok());
  EXPECT_TRUE(*ran);
  EXPECT_EQ(security.scans_, 0);
  const ValidationResult result = Results(version.id)[0];
  EXPECT_EQ(result.status, VS::kPending);
  const ValidationJob job =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetValidationJob(result.id); }).value();
  EXPECT_EQ(job.state, ValidationJobState::kQueued);
  EXPECT_EQ(job.attempts, 0);
}

TEST_F(ValidationServiceTest, WorkerPoolRunsQueuedJobsUntilStopped) {
  AddFixed(ScanType::kSecurityArtifact, Outcome(VS::kPassed, "clean"));
  AddFixed(ScanType::kFunctionalIo, Outcome(VS::kPassed, "ran"));
  ValidationWorkerPool pool(*runner_, 2, std::chrono::milliseconds(50), settings_.lease);
  validation_->SetQueuedListener([&pool] { pool.Wake(); });
  pool.Start();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(Upload(std::to_string(i)).id);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (const std::string& id : ids) {
    while (Version(id).status == S::kPendingValidation &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(Version(id).status, S::kValidated);
  }
  EXPECT_TRUE(pool.Stop(std::chrono::seconds(10)));
  validation_->SetQueuedListener(nullptr);
}

}  // namespace
}  // namespace mlops
