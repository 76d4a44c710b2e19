#pragma once

#include "artifacts/artifact_store.h"
#include "testing/fault_injector.h"

namespace mlops::test {

// An ArtifactStore that forwards to a real one (`inner`, not owned) and fails the calls `faults`
// plans, including those of the writers it returns (kWriteChunk, kFinish, kPublish). A faulted
// call never reaches `inner`: a faulted Publish() leaves the object unpublished, and the
// writer's temporary goes when the writer is destroyed. Thread-safe as `inner` is; `inner` and
// `faults` must outlive it and its writers. Check what a failed operation left with `inner`.
class FaultyArtifactStore final : public ArtifactStore {
 public:
  FaultyArtifactStore(ArtifactStore& inner, FaultInjector& faults)
      : inner_(inner), faults_(faults) {}

  Status SweepTemporaries() override;
  Status Ping() override;

 private:
  StatusOr<std::unique_ptr<ArtifactWriter>> BeginWriteImpl(const std::string& bucket,
                                                           const std::string& key,
                                                           std::int64_t max_bytes) override;
  StatusOr<ArtifactInfo> StatImpl(const std::string& bucket, const std::string& key) override;
  StatusOr<std::unique_ptr<ArtifactReader>> OpenImpl(const std::string& bucket,
                                                     const std::string& key, std::int64_t offset,
                                                     std::optional<std::int64_t> length) override;
  Status DeleteImpl(const std::string& bucket, const std::string& key) override;
  Status ListObjectsImpl(const std::string& bucket, const std::string& prefix,
                         const ObjectVisitor& visit) override;
  StatusOr<std::string> PresignedGetUrlImpl(const std::string& bucket, const std::string& key,
                                            std::chrono::seconds expiry) override;

  ArtifactStore& inner_;
  FaultInjector& faults_;
};

}  // namespace mlops::test
