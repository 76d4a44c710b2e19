#include "testing/faulty_metadata_store.h"

namespace mlops::test {
namespace {

// Every method counts as a query or a mutation, then forwards unless a fault is planned for it.
class FaultyMetadataTx final : public MetadataTx {
 public:
  FaultyMetadataTx(MetadataTx& inner, FaultInjector& faults) : inner_(inner), faults_(faults) {}

  Status InsertModel(const Model& model) override {
    return Mutate([&] { return inner_.InsertModel(model); });
  }
  StatusOr<Model> GetModel(const std::string& id) override {
    return Query([&] { return inner_.GetModel(id); });
  }
  StatusOr<Page<Model>> ListModels(const ModelFilter& filter, PageRequest page) override {
    return Query([&] { return inner_.ListModels(filter, page); });
  }
  Status UpdateModel(const Model& model) override {
    return Mutate([&] { return inner_.UpdateModel(model); });
  }

  Status InsertVersion(const ModelVersion& version) override {
    return Mutate([&] { return inner_.InsertVersion(version); });
  }
  StatusOr<ModelVersion> GetVersion(const std::string& id) override {
    return Query([&] { return inner_.GetVersion(id); });
  }
  StatusOr<std::optional<ModelVersion>> FindVersion(const std::string& model_id,
                                                    const std::string& version_string) override {
    return Query([&] { return inner_.FindVersion(model_id, version_string); });
  }
  StatusOr<Page<ModelVersion>> ListVersions(const std::string& model_id,
                                            const VersionFilter& filter,
                                            PageRequest page) override {
    return Query([&] { return inner_.ListVersions(model_id, filter, page); });
  }
  StatusOr<std::vector<ModelVersion>> ListVersionsInStatus(const std::string& model_id,
                                                           ModelVersionStatus status) override {
    return Query([&] { return inner_.ListVersionsInStatus(model_id, status); });
  }
  Status SetVersionStatus(const std::string& id, ModelVersionStatus status,
                          TimestampMs updated_at) override {
    return Mutate([&] { return inner_.SetVersionStatus(id, status, updated_at); });
  }
  Status SetVersionIoSignature(const std::string& id, const JsonText& io_signature,
                               TimestampMs updated_at) override {
    return Mutate([&] { return inner_.SetVersionIoSignature(id, io_signature, updated_at); });
  }
  Status SetVersionValidationDecision(const std::string& id, const JsonText& decision,
                                      TimestampMs updated_at) override {
    return Mutate([&] { return inner_.SetVersionValidationDecision(id, decision, updated_at); });
  }
  StatusOr<std::int64_t> CountActiveDeployments(const std::string& version_id) override {
    return Query([&] { return inner_.CountActiveDeployments(version_id); });
  }

  Status InsertFeedback(const Feedback& feedback) override {
    return Mutate([&] { return inner_.InsertFeedback(feedback); });
  }
  StatusOr<Page<Feedback>> ListFeedback(const std::string& version_id, PageRequest page) override {
    return Query([&] { return inner_.ListFeedback(version_id, page); });
  }
  StatusOr<FeedbackSummary> SummarizeFeedback(const std::string& version_id) override {
    return Query([&] { return inner_.SummarizeFeedback(version_id); });
  }

  Status InsertValidationResult(const ValidationResult& result) override {
    return Mutate([&] { return inner_.InsertValidationResult(result); });
  }
  StatusOr<ValidationResult> GetValidationResult(const std::string& id) override {
    return Query([&] { return inner_.GetValidationResult(id); });
  }
  StatusOr<Page<ValidationResult>> ListValidationResults(const std::string& version_id,
                                                         PageRequest page) override {
    return Query([&] { return inner_.ListValidationResults(version_id, page); });
  }
  StatusOr<std::vector<ValidationResult>> ListTriggerResults(
      const std::string& trigger_id) override {
    return Query([&] { return inner_.ListTriggerResults(trigger_id); });
  }
  Status EnqueueValidationJob(const ValidationJob& job) override {
    return Mutate([&] { return inner_.EnqueueValidationJob(job); });
  }
  StatusOr<ValidationJob> GetValidationJob(const std::string& result_id) override {
    return Query([&] { return inner_.GetValidationJob(result_id); });
  }
  StatusOr<std::vector<ValidationJob>> ListOpenValidationJobs(
      const std::string& version_id) override {
    return Query([&] { return inner_.ListOpenValidationJobs(version_id); });
  }
  StatusOr<std::optional<ValidationJob>> ClaimValidationJob(const std::string& lease_token,
                                                            TimestampMs now,
                                                            TimestampMs lease_expires_at) override {
    return Mutate([&] { return inner_.ClaimValidationJob(lease_token, now, lease_expires_at); });
  }
  Status RenewValidationLease(const std::string& result_id, const std::string& lease_token,
                              TimestampMs lease_expires_at, TimestampMs now) override {
    return Mutate(
        [&] { return inner_.RenewValidationLease(result_id, lease_token, lease_expires_at, now); });
  }
  Status ReleaseValidationJob(const std::string& result_id, const std::string& lease_token,
                              TimestampMs now) override {
    return Mutate([&] { return inner_.ReleaseValidationJob(result_id, lease_token, now); });
  }
  StatusOr<std::int64_t> ReclaimExpiredValidationJobs(TimestampMs now) override {
    return Mutate([&] { return inner_.ReclaimExpiredValidationJobs(now); });
  }
  Status FinishValidationJob(const ValidationResult& result,
                             const std::string& lease_token) override {
    return Mutate([&] { return inner_.FinishValidationJob(result, lease_token); });
  }

  Status InsertApiKey(const ApiKey& key) override {
    return Mutate([&] { return inner_.InsertApiKey(key); });
  }
  StatusOr<std::optional<ApiKey>> FindApiKeyByHash(const std::string& key_hash) override {
    return Query([&] { return inner_.FindApiKeyByHash(key_hash); });
  }
  StatusOr<Page<ApiKey>> ListApiKeys(PageRequest page) override {
    return Query([&] { return inner_.ListApiKeys(page); });
  }
  Status DeleteApiKey(const std::string& id) override {
    return Mutate([&] { return inner_.DeleteApiKey(id); });
  }
  StatusOr<std::int64_t> CountApiKeys() override {
    return Query([&] { return inner_.CountApiKeys(); });
  }

 private:
  template <typename Fn>
  auto Forward(StoreCall call, Fn&& fn) -> decltype(fn()) {
    Status injected = faults_.Hit(call);
    if (!injected.ok()) return injected;
    return fn();
  }
  template <typename Fn>
  auto Query(Fn&& fn) -> decltype(fn()) {
    return Forward(StoreCall::kTxQuery, fn);
  }
  template <typename Fn>
  auto Mutate(Fn&& fn) -> decltype(fn()) {
    return Forward(StoreCall::kTxMutation, fn);
  }

  MetadataTx& inner_;
  FaultInjector& faults_;
};

}  // namespace

Status FaultyMetadataStore::Write(const TxFn& fn) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kWriteTx));
  RETURN_IF_ERROR(inner_.Write([&](MetadataTx& tx) -> Status {
    FaultyMetadataTx faulty(tx, faults_);
    RETURN_IF_ERROR(fn(faulty));
    // An error here makes the real store roll back what `fn` did: a COMMIT that failed.
    return faults_.Hit(StoreCall::kCommit);
  }));
  return faults_.Hit(StoreCall::kCommitReply);
}

Status FaultyMetadataStore::Read(const TxFn& fn) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kReadTx));
  return inner_.Read([&](MetadataTx& tx) -> Status {
    FaultyMetadataTx faulty(tx, faults_);
    return fn(faulty);
  });
}

Status FaultyMetadataStore::Ping() {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kMetadataPing));
  return inner_.Ping();
}

}  // namespace mlops::test
