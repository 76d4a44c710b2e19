#pragma once

#include "store/metadata_store.h"
#include "testing/fault_injector.h"

namespace mlops::test {

// A MetadataStore that forwards to a real one (`inner`, not owned) and fails the calls `faults`
// plans: starting a transaction, any MetadataTx method (as kTxQuery or kTxMutation), the commit
// of a Write() (the callback's work is then rolled back by the real store, as when COMMIT fails),
// and the reply to a commit that took effect (kCommitReply). Other faulted calls never reach
// `inner`. Thread-safe as `inner` is; `inner` and `faults`
// must outlive it. Check what a failed operation left with `inner`, which counts nothing.
class FaultyMetadataStore final : public MetadataStore {
 public:
  FaultyMetadataStore(MetadataStore& inner, FaultInjector& faults)
      : inner_(inner), faults_(faults) {}

  // Not faulted: a test sets its store up before it plans faults.
  Status Migrate() override { return inner_.Migrate(); }
  Status Write(const TxFn& fn) override;
  Status Read(const TxFn& fn) override;
  Status Ping() override;
  StatusOr<int> SchemaVersion() override { return inner_.SchemaVersion(); }

 private:
  MetadataStore& inner_;
  FaultInjector& faults_;
};

}  // namespace mlops::test
