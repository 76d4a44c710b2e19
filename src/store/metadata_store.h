#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/entities.h"

namespace mlops {

// skip >= 0, 1 <= limit <= 1000 (checked at the edge).
struct PageRequest {
  std::int64_t skip = 0;
  std::int64_t limit = 100;
};

// One page of a list, in creation order (created_at, then id), and the count of all matches.
template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

struct ModelFilter {
  std::optional<std::string> task_type;    // exact match
  std::optional<std::string> name_prefix;  // literal prefix (no wildcards)
};

struct VersionFilter {
  std::optional<ModelVersionStatus> status;
};

struct FeedbackSummary {
  std::int64_t count = 0;
  std::optional<double> average_rating;  // over feedback that has a rating
  std::int64_t rating_counts[5] = {0, 0, 0, 0, 0};  // index 0 is rating 1
};

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
  // Deployments of the version whose status is not DELETED, FAILED or ROLLED_BACK.
  virtual StatusOr<std::int64_t> CountActiveDeployments(const std::string& version_id) = 0;

  virtual Status InsertFeedback(const Feedback& feedback) = 0;
  virtual StatusOr<Page<Feedback>> ListFeedback(const std::string& version_id,
                                                PageRequest page) = 0;
  virtual StatusOr<FeedbackSummary> SummarizeFeedback(const std::string& version_id) = 0;

  // CONFLICT if the key hash exists already.
  virtual Status InsertApiKey(const ApiKey& key) = 0;
  virtual StatusOr<std::optional<ApiKey>> FindApiKeyByHash(const std::string& key_hash) = 0;
  virtual StatusOr<Page<ApiKey>> ListApiKeys(PageRequest page) = 0;
  // NOT_FOUND if there is no such key.
  virtual Status DeleteApiKey(const std::string& id) = 0;
  virtual StatusOr<std::int64_t> CountApiKeys() = 0;
};

// The metadata store port: models, versions, feedback, API keys (and later deployments and
// validation results). Implementations: SqliteMetadataStore (default), PostgresMetadataStore.
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
