#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/entities.h"
#include "domain/feedback_summary.h"
#include "domain/list_filters.h"
#include "domain/page.h"

namespace mlops {

// The operations available inside one transaction. Obtained only from MetadataStore::Write or
// MetadataStore::Read; not thread-safe and not valid after the callback returns.
// Every method returns UNAVAILABLE when the database cannot be reached and INTERNAL on an
// unexpected database error.
class MetadataTx {
 public:
  virtual ~MetadataTx() = default;

  // CONFLICT if a model with the same name exists.
  virtual Status InsertModel(const Model& model) = 0;
  // NOT_FOUND if there is no such model.
  virtual StatusOr<Model> GetModel(const std::string& id) = 0;
  virtual StatusOr<Page<Model>> ListModels(const ModelFilter& filter, PageRequest page) = 0;
  // Rewrites every field but id, name and created_at. NOT_FOUND if there is no such model.
  virtual Status UpdateModel(const Model& model) = 0;

  // CONFLICT if the model already has a version with this version_string.
  virtual Status InsertVersion(const ModelVersion& version) = 0;
  // NOT_FOUND if there is no such version.
  virtual StatusOr<ModelVersion> GetVersion(const std::string& id) = 0;
  virtual StatusOr<std::optional<ModelVersion>> FindVersion(const std::string& model_id,
                                                            const std::string& version_string) = 0;
  virtual StatusOr<Page<ModelVersion>> ListVersions(const std::string& model_id,
                                                    const VersionFilter& filter,
                                                    PageRequest page) = 0;
  // The model's PRODUCTION versions (at most one while the invariant holds).
  virtual StatusOr<std::vector<ModelVersion>> ListVersionsInStatus(const std::string& model_id,
                                                                   ModelVersionStatus status) = 0;
  // NOT_FOUND if there is no such version.
  virtual Status SetVersionStatus(const std::string& id, ModelVersionStatus status,
                                  TimestampMs updated_at) = 0;
  // NOT_FOUND if there is no such version.
  virtual Status SetVersionIoSignature(const std::string& id, const JsonText& io_signature,
                                       TimestampMs updated_at) = 0;
  // NOT_FOUND if there is no such version.
  virtual Status SetVersionValidationDecision(const std::string& id, const JsonText& decision,
                                              TimestampMs updated_at) = 0;
  // Deployments of the version whose status is not DELETED, FAILED or ROLLED_BACK.
  virtual StatusOr<std::int64_t> CountActiveDeployments(const std::string& version_id) = 0;

  virtual Status InsertFeedback(const Feedback& feedback) = 0;
  virtual StatusOr<Page<Feedback>> ListFeedback(const std::string& version_id,
                                                PageRequest page) = 0;
  virtual StatusOr<FeedbackSummary> SummarizeFeedback(const std::string& version_id) = 0;

  // Validation results and the jobs behind them. A result is created PENDING with its job QUEUED;
  // a worker claims the job under a lease (result RUNNING), renews the lease while it works, and
  // finishes the job, which writes the result. A job whose lease expires is reclaimed (QUEUED,
  // result PENDING) for another worker; a lease holder that lost its lease can no longer write.

  // NOT_FOUND if the version does not exist; CONFLICT if the id is taken.
  virtual Status InsertValidationResult(const ValidationResult& result) = 0;
  // NOT_FOUND if there is no such result.
  virtual StatusOr<ValidationResult> GetValidationResult(const std::string& id) = 0;
  // The version's results in creation order (created_at, then id).
  virtual StatusOr<Page<ValidationResult>> ListValidationResults(const std::string& version_id,
                                                                 PageRequest page) = 0;
  // Every result of one trigger, in creation order.
  virtual StatusOr<std::vector<ValidationResult>> ListTriggerResults(
      const std::string& trigger_id) = 0;

  // Records the job of a PENDING result, as given (normally QUEUED, no lease, 0 attempts).
  // NOT_FOUND if its result or version does not exist; CONFLICT if the result has a job already.
  virtual Status EnqueueValidationJob(const ValidationJob& job) = 0;
  // NOT_FOUND if there is no such job.
  virtual StatusOr<ValidationJob> GetValidationJob(const std::string& result_id) = 0;
  // The version's QUEUED and RUNNING jobs, in creation order.
  virtual StatusOr<std::vector<ValidationJob>> ListOpenValidationJobs(
      const std::string& version_id) = 0;
  // Takes the oldest QUEUED job (created_at, then result id): RUNNING under `lease_token` until
  // `lease_expires_at`, one more attempt, its result RUNNING. nullopt when none is queued.
  // Concurrent claimers never get the same job (PostgreSQL: FOR UPDATE SKIP LOCKED).
  virtual StatusOr<std::optional<ValidationJob>> ClaimValidationJob(
      const std::string& lease_token, TimestampMs now, TimestampMs lease_expires_at) = 0;
  // Extends the lease (the worker's heartbeat). CONFLICT if `lease_token` no longer holds the job.
  virtual Status RenewValidationLease(const std::string& result_id, const std::string& lease_token,
                                      TimestampMs lease_expires_at, TimestampMs now) = 0;
  // Gives a job back unfinished (a graceful stop): QUEUED, the attempt not counted, its result
  // PENDING. CONFLICT if `lease_token` no longer holds the job.
  virtual Status ReleaseValidationJob(const std::string& result_id, const std::string& lease_token,
                                      TimestampMs now) = 0;
  // Requeues every RUNNING job whose lease expired before `now` (its worker crashed or hung):
  // QUEUED, no lease, its result PENDING. Returns how many.
  virtual StatusOr<std::int64_t> ReclaimExpiredValidationJobs(TimestampMs now) = 0;
  // Finishes the job of `result.id` held under `lease_token`: the job DONE, the result row's
  // status, summary, details, details_path and validated_at set from `result`. CONFLICT if
  // `lease_token` no longer holds the job, and nothing changes: a result is written once, by the
  // holder of the job's current lease.
  virtual Status FinishValidationJob(const ValidationResult& result,
                                     const std::string& lease_token) = 0;

  // CONFLICT if the key hash exists already.
  virtual Status InsertApiKey(const ApiKey& key) = 0;
  virtual StatusOr<std::optional<ApiKey>> FindApiKeyByHash(const std::string& key_hash) = 0;
  virtual StatusOr<Page<ApiKey>> ListApiKeys(PageRequest page) = 0;
  // NOT_FOUND if there is no such key.
  virtual Status DeleteApiKey(const std::string& id) = 0;
  virtual StatusOr<std::int64_t> CountApiKeys() = 0;
};

// The metadata store port: models, versions, feedback, API keys, validation results and jobs
// (and later deployments). Implementations: SqliteMetadataStore (default), PostgresMetadataStore.
// Thread-safe: any number of threads may run transactions at once.
class MetadataStore {
 public:
  using TxFn = std::function<Status(MetadataTx&)>;

  virtual ~MetadataStore() = default;

  // Applies the pending numbered migrations in order, each in its own transaction. Safe to call
  // on every start. Returns the error of the first migration that fails (nothing of it applied).
  virtual Status Migrate() = 0;

  // Runs `fn` in one read-write transaction: commits if it returns OK, rolls back otherwise and
  // returns its error (or the commit's). Writers are serialized by the backend, so checks made in
  // `fn` (uniqueness, transitions) still hold at commit.
  virtual Status Write(const TxFn& fn) = 0;

  // Runs `fn` on a consistent read-only snapshot. Writes inside `fn` fail.
  virtual Status Read(const TxFn& fn) = 0;

  // OK if the database answers a trivial query; UNAVAILABLE otherwise.
  virtual Status Ping() = 0;

  // The highest applied migration version (0 for an empty database).
  virtual StatusOr<int> SchemaVersion() = 0;
};

namespace internal {
template <typename Fn, typename Run>
auto RunForValue(Fn&& fn, Run&& run) -> decltype(fn(std::declval<MetadataTx&>())) {
  std::optional<decltype(fn(std::declval<MetadataTx&>()))> result;
  Status status = run([&](MetadataTx& tx) {
    result.emplace(fn(tx));
    return result->status();
  });
  if (!status.ok()) return status;
  return std::move(*result);
}
}  // namespace internal

// Runs `fn` (MetadataTx& -> StatusOr<T>) in a read-only transaction and returns its result.
template <typename Fn>
auto ReadValue(MetadataStore& store, Fn&& fn) {
  return internal::RunForValue(fn, [&](const MetadataStore::TxFn& f) { return store.Read(f); });
}

// Runs `fn` (MetadataTx& -> StatusOr<T>) in a read-write transaction and returns its result once
// committed.
template <typename Fn>
auto WriteValue(MetadataStore& store, Fn&& fn) {
  return internal::RunForValue(fn, [&](const MetadataStore::TxFn& f) { return store.Write(f); });
}

}  // namespace mlops
