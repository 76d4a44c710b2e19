// The conformance suite on validation results and jobs (see metadata_store_conformance.h).
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "store/metadata_store_conformance.h"

namespace mlops::conformance {
namespace {

using VS = ValidationStatus;
using JS = ValidationJobState;

constexpr TimestampMs kLease = 30'000;

class ValidationConformance {
 public:
  // One model with one version to hang results on.
  explicit ValidationConformance(MetadataStore& store) : store_(store) {
    model_ = NewModel("validated-model");
    version_ = NewVersion(model_.id, "1", ModelVersionStatus::kPendingValidation);
    EXPECT_OK(Insert(store_, model_));
    EXPECT_OK(Insert(store_, version_));
  }

  // A PENDING result with its QUEUED job, both recorded in one transaction.
  ValidationResult Enqueue(ScanType type, TimestampMs created_at,
                           const std::string& trigger_id = "") {
    ValidationResult result;
    result.id = NewUuid();
    result.model_version_id = version_.id;
    result.trigger_id = trigger_id.empty() ? trigger_ : trigger_id;
    result.scan_type = type;
    result.status = VS::kPending;
    result.summary = "queued";
    result.validated_at = result.created_at = created_at;
    result.validated_by_user_id = "user-1";
    EXPECT_OK(store_.Write([&](MetadataTx& tx) -> Status {
      RETURN_IF_ERROR(tx.InsertValidationResult(result));
      return tx.EnqueueValidationJob(JobOf(result));
    }));
    return result;
  }

  static ValidationJob JobOf(const ValidationResult& r) {
    ValidationJob job;
    job.result_id = r.id;
    job.trigger_id = r.trigger_id;
    job.model_version_id = r.model_version_id;
    job.scan_type = r.scan_type;
    job.state = JS::kQueued;
    job.created_at = job.updated_at = r.created_at;
    return job;
  }

  StatusOr<std::optional<ValidationJob>> Claim(const std::string& token, TimestampMs now,
                                               TimestampMs lease = kLease) {
    return WriteValue(
        store_, [&](MetadataTx& tx) { return tx.ClaimValidationJob(token, now, now + lease); });
  }

  StatusOr<ValidationResult> Result(const std::string& id) {
    return ReadValue(store_, [&](MetadataTx& tx) { return tx.GetValidationResult(id); });
  }
  StatusOr<ValidationJob> Job(const std::string& id) {
    return ReadValue(store_, [&](MetadataTx& tx) { return tx.GetValidationJob(id); });
  }

  static ValidationResult Finished(ValidationResult r, VS status, TimestampMs at) {
    r.status = status;
    r.summary = "finished as " + std::string(ToString(status));
    r.details = R"({"findings": 0})";
    r.details_path = "reports-bucket/reports/" + r.model_version_id + "/" + r.id + ".json";
    r.validated_at = at;
    return r;
  }

  MetadataStore& store_;
  Model model_;
  ModelVersion version_;
  std::string trigger_ = NewUuid();
};

TEST_P(MetadataStoreConformanceTest, ValidationResultRoundTripsAndLists) {
  ValidationConformance v(*store_);
  const ValidationResult later = v.Enqueue(ScanType::kFunctionalIo, 3000);
  const ValidationResult first = v.Enqueue(ScanType::kSecurityArtifact, 1000);
  const ValidationResult other_trigger = v.Enqueue(ScanType::kContentSafety, 2000, NewUuid());

  StatusOr<ValidationResult> got = v.Result(first.id);
  ASSERT_OK(got);
  EXPECT_EQ(Fields(*got), Fields(first));

  StatusOr<Page<ValidationResult>> page = ReadValue(*store_, [&](MetadataTx& tx) {
    return tx.ListValidationResults(v.version_.id, {.skip = 1, .limit = 1});
  });
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(Ids(page->items), std::vector<std::string>{other_trigger.id});

  StatusOr<std::vector<ValidationResult>> of_trigger =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.ListTriggerResults(v.trigger_); });
  ASSERT_OK(of_trigger);
  EXPECT_EQ(Ids(*of_trigger), (std::vector<std::string>{first.id, later.id}));

  StatusOr<ValidationJob> job = v.Job(first.id);
  ASSERT_OK(job);
  EXPECT_EQ(Fields(*job), Fields(ValidationConformance::JobOf(first)));
}

TEST_P(MetadataStoreConformanceTest, ValidationResultAndJobErrors) {
  ValidationConformance v(*store_);
  EXPECT_EQ(v.Result(NewUuid()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(v.Job(NewUuid()).status().code(), StatusCode::kNotFound);

  ValidationResult orphan;
  orphan.id = NewUuid();
  orphan.model_version_id = NewUuid();
  orphan.trigger_id = NewUuid();
  EXPECT_EQ(store_->Write([&](MetadataTx& tx) { return tx.InsertValidationResult(orphan); }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.EnqueueValidationJob(ValidationConformance::JobOf(orphan));
                })
                .code(),
            StatusCode::kNotFound);

  const ValidationResult result = v.Enqueue(ScanType::kSecurityArtifact, 1000);
  EXPECT_EQ(store_->Write([&](MetadataTx& tx) { return tx.InsertValidationResult(result); }).code(),
            StatusCode::kConflict);
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.EnqueueValidationJob(ValidationConformance::JobOf(result));
                })
                .code(),
            StatusCode::kConflict);
}

TEST_P(MetadataStoreConformanceTest, ClaimTakesTheOldestQueuedJobUnderALease) {
  ValidationConformance v(*store_);
  const ValidationResult second = v.Enqueue(ScanType::kFunctionalIo, 2000);
  const ValidationResult first = v.Enqueue(ScanType::kSecurityArtifact, 1000);

  StatusOr<std::optional<ValidationJob>> claimed = v.Claim("token-a", 5000);
  ASSERT_OK(claimed);
  ASSERT_TRUE(claimed->has_value());
  const ValidationJob& job = **claimed;
  EXPECT_EQ(job.result_id, first.id);
  EXPECT_EQ(job.state, JS::kRunning);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.lease_token, "token-a");
  EXPECT_EQ(job.lease_expires_at, 5000 + kLease);
  StatusOr<ValidationJob> stored = v.Job(first.id);
  ASSERT_OK(stored);
  EXPECT_EQ(Fields(*stored), Fields(job));
  StatusOr<ValidationResult> running = v.Result(first.id);
  ASSERT_OK(running);
  EXPECT_EQ(running->status, VS::kRunning);

  StatusOr<std::optional<ValidationJob>> next = v.Claim("token-b", 5001);
  ASSERT_OK(next);
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->result_id, second.id);
  StatusOr<std::optional<ValidationJob>> none = v.Claim("token-c", 5002);
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());

  StatusOr<std::vector<ValidationJob>> open =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.ListOpenValidationJobs(v.version_.id); });
  ASSERT_OK(open);
  EXPECT_EQ(open->size(), 2u);
}

TEST_P(MetadataStoreConformanceTest, ConcurrentClaimersNeverGetTheSameJob) {
  ValidationConformance v(*store_);
  constexpr int kJobs = 24;
  for (int i = 0; i < kJobs; ++i) v.Enqueue(ScanType::kContentSafety, 1000 + i);
  std::unique_ptr<MetadataStore> second = Open(location_);
  ASSERT_NE(second, nullptr);

  constexpr int kThreads = 6;
  std::mutex mutex;
  std::vector<std::string> claimed;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    MetadataStore& store = t % 2 == 0 ? *store_ : *second;
    threads.emplace_back([&, t] {
      while (true) {
        StatusOr<std::optional<ValidationJob>> job = WriteValue(store, [&](MetadataTx& tx) {
          return tx.ClaimValidationJob("worker-" + std::to_string(t), 5000, 5000 + kLease);
        });
        if (!job.ok()) {
          ++failures;
          return;
        }
        if (!job->has_value()) return;
        std::lock_guard lock(mutex);
        claimed.push_back((*job)->result_id);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures, 0);
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(),
            static_cast<std::size_t>(kJobs));
}

TEST_P(MetadataStoreConformanceTest, FinishWritesTheResultOnceUnderTheLease) {
  ValidationConformance v(*store_);
  const ValidationResult result = v.Enqueue(ScanType::kSecurityArtifact, 1000);
  ASSERT_OK(v.Claim("holder", 2000));

  const ValidationResult finished = ValidationConformance::Finished(result, VS::kPassed, 3000);
  const Status stranger =
      store_->Write([&](MetadataTx& tx) { return tx.FinishValidationJob(finished, "stranger"); });
  EXPECT_EQ(stranger.code(), StatusCode::kConflict) << stranger.ToString();
  StatusOr<ValidationResult> untouched = v.Result(result.id);
  ASSERT_OK(untouched);
  EXPECT_EQ(untouched->status, VS::kRunning);

  ASSERT_OK(
      store_->Write([&](MetadataTx& tx) { return tx.FinishValidationJob(finished, "holder"); }));
  StatusOr<ValidationResult> got = v.Result(result.id);
  ASSERT_OK(got);
  EXPECT_EQ(Fields(*got), Fields(finished));
  StatusOr<ValidationJob> job = v.Job(result.id);
  ASSERT_OK(job);
  EXPECT_EQ(job->state, JS::kDone);
  EXPECT_FALSE(job->lease_token.has_value());
  EXPECT_FALSE(job->lease_expires_at.has_value());

  ValidationResult again = ValidationConformance::Finished(result, VS::kFailed, 4000);
  EXPECT_EQ(
      store_->Write([&](MetadataTx& tx) { return tx.FinishValidationJob(again, "holder"); }).code(),
      StatusCode::kConflict);
  got = v.Result(result.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->status, VS::kPassed);

  StatusOr<std::vector<ValidationJob>> open =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.ListOpenValidationJobs(v.version_.id); });
  ASSERT_OK(open);
  EXPECT_TRUE(open->empty());
}

TEST_P(MetadataStoreConformanceTest, FinishIsAtomicWithTheVersionChanges) {
  ValidationConformance v(*store_);
  const ValidationResult result = v.Enqueue(ScanType::kFunctionalIo, 1000);
  ASSERT_OK(v.Claim("holder", 2000));
  const ValidationResult finished = ValidationConformance::Finished(result, VS::kPassed, 3000);
  const JsonText signature = R"({"inputs": [{"name": "x"}]})";
  const JsonText decision = R"({"status": "VALIDATED"})";

  // Everything a finishing job writes, then a failure: none of it may remain.
  const Status failed = store_->Write([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.FinishValidationJob(finished, "holder"));
    RETURN_IF_ERROR(tx.SetVersionIoSignature(v.version_.id, signature, 3000));
    RETURN_IF_ERROR(tx.SetVersionValidationDecision(v.version_.id, decision, 3000));
    RETURN_IF_ERROR(tx.SetVersionStatus(v.version_.id, ModelVersionStatus::kValidated, 3000));
    return Unavailable("the report could not be published");
  });
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  StatusOr<ValidationResult> still = v.Result(result.id);
  ASSERT_OK(still);
  EXPECT_EQ(still->status, VS::kRunning);
  StatusOr<ValidationJob> job = v.Job(result.id);
  ASSERT_OK(job);
  EXPECT_EQ(job->state, JS::kRunning);
  EXPECT_EQ(job->lease_token, "holder");
  StatusOr<ModelVersion> version =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetVersion(v.version_.id); });
  ASSERT_OK(version);
  EXPECT_EQ(Fields(*version), Fields(v.version_));

  ASSERT_OK(store_->Write([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.FinishValidationJob(finished, "holder"));
    RETURN_IF_ERROR(tx.SetVersionIoSignature(v.version_.id, signature, 3000));
    RETURN_IF_ERROR(tx.SetVersionValidationDecision(v.version_.id, decision, 3000));
    return tx.SetVersionStatus(v.version_.id, ModelVersionStatus::kValidated, 3000);
  }));
  version = ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetVersion(v.version_.id); });
  ASSERT_OK(version);
  ModelVersion expected = v.version_;
  expected.io_signature = signature;
  expected.validation_decision = decision;
  expected.status = ModelVersionStatus::kValidated;
  expected.updated_at = 3000;
  EXPECT_EQ(Fields(*version), Fields(expected));
  still = v.Result(result.id);
  ASSERT_OK(still);
  EXPECT_EQ(Fields(*still), Fields(finished));
}

TEST_P(MetadataStoreConformanceTest, ExpiredLeaseIsReclaimedAndTheOldHolderCannotWrite) {
  ValidationConformance v(*store_);
  const ValidationResult result = v.Enqueue(ScanType::kSecurityArtifact, 1000);
  const ValidationResult fresh = v.Enqueue(ScanType::kFunctionalIo, 1001);
  ASSERT_OK(v.Claim("crashed", 2000, 1000));  // lease until 3000
  ASSERT_OK(v.Claim("alive", 2000, 5000));    // lease until 7000

  StatusOr<std::int64_t> early =
      WriteValue(*store_, [&](MetadataTx& tx) { return tx.ReclaimExpiredValidationJobs(3000); });
  ASSERT_OK(early);
  EXPECT_EQ(*early, 0);  // a lease is held up to its expiry

  StatusOr<std::int64_t> reclaimed =
      WriteValue(*store_, [&](MetadataTx& tx) { return tx.ReclaimExpiredValidationJobs(3001); });
  ASSERT_OK(reclaimed);
  EXPECT_EQ(*reclaimed, 1);
  StatusOr<ValidationJob> job = v.Job(result.id);
  ASSERT_OK(job);
  EXPECT_EQ(job->state, JS::kQueued);
  EXPECT_EQ(job->attempts, 1);
  EXPECT_FALSE(job->lease_token.has_value());
  StatusOr<ValidationResult> pending = v.Result(result.id);
  ASSERT_OK(pending);
  EXPECT_EQ(pending->status, VS::kPending);
  StatusOr<ValidationJob> untouched = v.Job(fresh.id);
  ASSERT_OK(untouched);
  EXPECT_EQ(untouched->state, JS::kRunning);

  // The crashed holder's lease is gone: it can neither renew nor finish.
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.RenewValidationLease(result.id, "crashed", 9000, 3002);
                })
                .code(),
            StatusCode::kConflict);

  StatusOr<std::optional<ValidationJob>> again = v.Claim("successor", 3002);
  ASSERT_OK(again);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->result_id, result.id);
  EXPECT_EQ((*again)->attempts, 2);

  const ValidationResult late = ValidationConformance::Finished(result, VS::kFailed, 3003);
  EXPECT_EQ(
      store_->Write([&](MetadataTx& tx) { return tx.FinishValidationJob(late, "crashed"); }).code(),
      StatusCode::kConflict);
  const ValidationResult done = ValidationConformance::Finished(result, VS::kPassed, 3004);
  ASSERT_OK(
      store_->Write([&](MetadataTx& tx) { return tx.FinishValidationJob(done, "successor"); }));
  StatusOr<ValidationResult> got = v.Result(result.id);
  ASSERT_OK(got);
  EXPECT_EQ(Fields(*got), Fields(done));
}

TEST_P(MetadataStoreConformanceTest, RenewedLeaseIsNotReclaimed) {
  ValidationConformance v(*store_);
  const ValidationResult result = v.Enqueue(ScanType::kSecurityArtifact, 1000);
  ASSERT_OK(v.Claim("holder", 2000, 1000));  // lease until 3000
  ASSERT_OK(store_->Write(
      [&](MetadataTx& tx) { return tx.RenewValidationLease(result.id, "holder", 8000, 2500); }));
  StatusOr<ValidationJob> job = v.Job(result.id);
  ASSERT_OK(job);
  EXPECT_EQ(job->lease_expires_at, 8000);

  StatusOr<std::int64_t> reclaimed =
      WriteValue(*store_, [&](MetadataTx& tx) { return tx.ReclaimExpiredValidationJobs(5000); });
  ASSERT_OK(reclaimed);
  EXPECT_EQ(*reclaimed, 0);
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.RenewValidationLease(result.id, "other", 9000, 5000);
                })
                .code(),
            StatusCode::kConflict);
}

TEST_P(MetadataStoreConformanceTest, ReleasedJobIsQueuedAgainWithoutCountingTheAttempt) {
  ValidationConformance v(*store_);
  const ValidationResult result = v.Enqueue(ScanType::kPerformanceBenchmark, 1000);
  ASSERT_OK(v.Claim("stopping", 2000));
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.ReleaseValidationJob(result.id, "someone-else", 2500);
                })
                .code(),
            StatusCode::kConflict);
  ASSERT_OK(store_->Write(
      [&](MetadataTx& tx) { return tx.ReleaseValidationJob(result.id, "stopping", 2500); }));

  StatusOr<ValidationJob> job = v.Job(result.id);
  ASSERT_OK(job);
  EXPECT_EQ(job->state, JS::kQueued);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_FALSE(job->lease_token.has_value());
  StatusOr<ValidationResult> pending = v.Result(result.id);
  ASSERT_OK(pending);
  EXPECT_EQ(pending->status, VS::kPending);

  StatusOr<std::optional<ValidationJob>> again = v.Claim("next", 3000);
  ASSERT_OK(again);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->attempts, 1);
}

TEST_P(MetadataStoreConformanceTest, VersionValidationFieldsOfAMissingVersionAreNotFound) {
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.SetVersionIoSignature(NewUuid(), R"({"inputs": []})", 1);
                })
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.SetVersionValidationDecision(NewUuid(), R"({"status": "x"})", 1);
                })
                .code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace mlops::conformance
