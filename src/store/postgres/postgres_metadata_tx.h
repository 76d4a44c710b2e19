#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/metadata_store.h"
#include "store/postgres/postgres_connection.h"

namespace mlops {

// MetadataTx over one PostgreSQL connection inside a transaction that PostgresMetadataStore began.
// Failure modes are those of MetadataTx; in addition, an id that is not a UUID (the column type)
// is INVALID_ARGUMENT, as is JSON text that is not JSON. Not thread-safe.
class PostgresMetadataTx final : public MetadataTx {
 public:
  explicit PostgresMetadataTx(PostgresConnection& connection) : connection_(connection) {}

  Status InsertModel(const Model& model) override;
  StatusOr<Model> GetModel(const std::string& id) override;
  StatusOr<Page<Model>> ListModels(const ModelFilter& filter, PageRequest page) override;
  Status UpdateModel(const Model& model) override;

  Status InsertVersion(const ModelVersion& version) override;
  StatusOr<ModelVersion> GetVersion(const std::string& id) override;
  StatusOr<std::optional<ModelVersion>> FindVersion(const std::string& model_id,
                                                    const std::string& version_string) override;
  StatusOr<Page<ModelVersion>> ListVersions(const std::string& model_id,
                                            const VersionFilter& filter, PageRequest page) override;
  StatusOr<std::vector<ModelVersion>> ListVersionsInStatus(const std::string& model_id,
                                                           ModelVersionStatus status) override;
  Status SetVersionStatus(const std::string& id, ModelVersionStatus status,
                          TimestampMs updated_at) override;
  Status SetVersionIoSignature(const std::string& id, const JsonText& io_signature,
                               TimestampMs updated_at) override;
  Status SetVersionValidationDecision(const std::string& id, const JsonText& decision,
                                      TimestampMs updated_at) override;
  StatusOr<std::int64_t> CountActiveDeployments(const std::string& version_id) override;

  Status InsertFeedback(const Feedback& feedback) override;
  StatusOr<Page<Feedback>> ListFeedback(const std::string& version_id, PageRequest page) override;
  StatusOr<FeedbackSummary> SummarizeFeedback(const std::string& version_id) override;

  Status InsertValidationResult(const ValidationResult& result) override;
  StatusOr<ValidationResult> GetValidationResult(const std::string& id) override;
  StatusOr<Page<ValidationResult>> ListValidationResults(const std::string& version_id,
                                                         PageRequest page) override;
  StatusOr<std::vector<ValidationResult>> ListTriggerResults(
      const std::string& trigger_id) override;
  Status EnqueueValidationJob(const ValidationJob& job) override;
  StatusOr<ValidationJob> GetValidationJob(const std::string& result_id) override;
  StatusOr<std::vector<ValidationJob>> ListOpenValidationJobs(
      const std::string& version_id) override;
  StatusOr<std::optional<ValidationJob>> ClaimValidationJob(const std::string& lease_token,
                                                            TimestampMs now,
                                                            TimestampMs lease_expires_at) override;
  Status RenewValidationLease(const std::string& result_id, const std::string& lease_token,
                              TimestampMs lease_expires_at, TimestampMs now) override;
  Status ReleaseValidationJob(const std::string& result_id, const std::string& lease_token,
                              TimestampMs now) override;
  StatusOr<std::int64_t> ReclaimExpiredValidationJobs(TimestampMs now) override;
  Status FinishValidationJob(const ValidationResult& result,
                             const std::string& lease_token) override;

  Status InsertApiKey(const ApiKey& key) override;
  StatusOr<std::optional<ApiKey>> FindApiKeyByHash(const std::string& key_hash) override;
  StatusOr<Page<ApiKey>> ListApiKeys(PageRequest page) override;
  Status DeleteApiKey(const std::string& id) override;
  StatusOr<std::int64_t> CountApiKeys() override;

 private:
  PostgresConnection& connection_;
};

}  // namespace mlops
