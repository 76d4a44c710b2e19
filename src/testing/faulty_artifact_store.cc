#include "testing/faulty_artifact_store.h"

namespace mlops::test {
namespace {

class FaultyArtifactWriter final : public ArtifactWriter {
 public:
  FaultyArtifactWriter(std::unique_ptr<ArtifactWriter> inner, std::int64_t max_bytes,
                       FaultInjector& faults)
      : ArtifactWriter(max_bytes), inner_(std::move(inner)), faults_(faults) {}

 private:
  Status WriteImpl(std::string_view chunk) override {
    RETURN_IF_ERROR(faults_.Hit(StoreCall::kWriteChunk));
    return inner_->Write(chunk);
  }
  Status FinishImpl() override {
    RETURN_IF_ERROR(faults_.Hit(StoreCall::kFinish));
    return inner_->Finish().status();
  }
  Status PublishImpl() override {
    RETURN_IF_ERROR(faults_.Hit(StoreCall::kPublish));
    return inner_->Publish();
  }

  std::unique_ptr<ArtifactWriter> inner_;
  FaultInjector& faults_;
};

}  // namespace

Status FaultyArtifactStore::SweepTemporaries() {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kSweepTemporaries));
  return inner_.SweepTemporaries();
}

Status FaultyArtifactStore::Ping() {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kArtifactPing));
  return inner_.Ping();
}

StatusOr<std::unique_ptr<ArtifactWriter>> FaultyArtifactStore::BeginWriteImpl(
    const std::string& bucket, const std::string& key, std::int64_t max_bytes) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kBeginWrite));
  ASSIGN_OR_RETURN(auto writer, inner_.BeginWrite(bucket, key, max_bytes));
  return std::unique_ptr<ArtifactWriter>(
      std::make_unique<FaultyArtifactWriter>(std::move(writer), max_bytes, faults_));
}

StatusOr<ArtifactInfo> FaultyArtifactStore::StatImpl(const std::string& bucket,
                                                     const std::string& key) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kStat));
  return inner_.Stat(bucket, key);
}

StatusOr<std::unique_ptr<ArtifactReader>> FaultyArtifactStore::OpenImpl(
    const std::string& bucket, const std::string& key, std::int64_t offset,
    std::optional<std::int64_t> length) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kOpen));
  return inner_.Open(bucket, key, offset, length);
}

Status FaultyArtifactStore::DeleteImpl(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kDelete));
  return inner_.Delete(bucket, key);
}

Status FaultyArtifactStore::ListObjectsImpl(const std::string& bucket, const std::string& prefix,
                                            const ObjectVisitor& visit) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kList));
  return inner_.ListObjects(bucket, prefix, visit);
}

StatusOr<std::string> FaultyArtifactStore::PresignedGetUrlImpl(const std::string& bucket,
                                                               const std::string& key,
                                                               std::chrono::seconds expiry) {
  RETURN_IF_ERROR(faults_.Hit(StoreCall::kPresign));
  return inner_.PresignedGetUrl(bucket, key, expiry);
}

}  // namespace mlops::test
