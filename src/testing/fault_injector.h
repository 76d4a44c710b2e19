#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mlops::test {

// The calls the fault-injecting stores (FaultyMetadataStore, FaultyArtifactStore) count and can
// fail. A fault fires before the call reaches the real store, so the failed call has no effect,
// except kCommit (the transaction's work was done and is rolled back, as when COMMIT fails) and
// kCommitReply (the transaction was committed; only its success is not reported).
enum class StoreCall {
  // MetadataStore
  kReadTx,      // Read(): starting a read-only transaction
  kWriteTx,     // Write(): starting a read-write transaction
  kTxQuery,     // a MetadataTx method that only reads (Get*, Find*, List*, Count*, Summarize*)
  kTxMutation,  // a MetadataTx method that changes rows (Insert*, Update*, Set*, Delete*, ...)
  kCommit,      // committing a Write() whose callback returned OK
  // The reply to a COMMIT that took effect (the connection dropped after it was sent): a fault
  // here makes Write() fail although the transaction was applied. Counted apart: it is neither
  // among "any" calls nor matched by a fault planned for any call, only by one planned for it.
  kCommitReply,
  kMetadataPing,
  // ArtifactStore and its writers
  kBeginWrite,
  kWriteChunk,  // ArtifactWriter::Write()
  kFinish,      // ArtifactWriter::Finish() (fsync / completing the upload)
  kPublish,     // ArtifactWriter::Publish() (the rename into place)
  kStat,
  kOpen,
  kDelete,
  kList,
  kPresign,
  kSweepTemporaries,
  kArtifactPing,
};

std::string_view StoreCallName(StoreCall call);

// Counts store calls and fails the ones a test planned, like leveldb's ErrorEnv. One injector may
// serve both fault-injecting stores, so that "the Nth call" counts an operation's calls to
// either. Thread-safe.
//
// Typical use, failing each call of an operation in turn (see ForEachInjectedFault):
//   faults.FailNth(n, Unavailable("injected"));
//   Status s = DoTheOperation();
//   if (faults.fired()) { ...expect s failed and nothing was left half-written... }
class FaultInjector {
 public:
  // Plans a fault: the `n`th call (1-based, counted from now) of kind `only`, or of any kind when
  // `only` is nullopt, returns `error` instead of reaching the store. Several faults may be
  // planned; each fires at most once.
  void FailNth(std::int64_t n, Status error, std::optional<StoreCall> only = std::nullopt);

  // Plans an interleaving: `action` runs just before the `n`th call (counted as for FailNth)
  // reaches the store, e.g. another client's whole operation between two steps of this one. The
  // call then proceeds. The action's own store calls are counted after that call.
  void RunBeforeNth(std::int64_t n, std::function<void()> action,
                    std::optional<StoreCall> only = std::nullopt);

  // Forgets the planned faults, the fired ones and the counts.
  void Reset();

  // For the wrappers: counts one call of kind `call`, runs the action planned before it, and
  // returns the error of a fault planned for it, or OK.
  Status Hit(StoreCall call);

  // True once every planned fault and action fired (false when none is planned).
  bool fired() const;
  // The calls that got a planned fault or action, in order.
  std::vector<StoreCall> fired_calls() const;
  // Calls counted since the last Reset(): of kind `only`, or all of them.
  std::int64_t calls(std::optional<StoreCall> only = std::nullopt) const;

 private:
  struct Plan {
    std::int64_t n;  // counted from `before`, the count when it was planned
    std::int64_t before;
    Status error;  // OK for an action
    std::function<void()> action;
    std::optional<StoreCall> only;
    bool fired = false;
  };

  std::int64_t CountLocked(std::optional<StoreCall> only) const;

  mutable std::mutex mutex_;
  std::vector<Plan> plans_;
  std::vector<StoreCall> fired_calls_;
  std::int64_t total_calls_ = 0;
  std::map<StoreCall, std::int64_t> calls_;
};

// The error ForEachInjectedFault injects, recognisable by its message.
Status InjectedFault();

// Runs `attempt` (a callable taking the fault's number n) once for n = 1, 2, ..., with the nth
// call (of kind `only`, or of any kind) failing with InjectedFault(), until an attempt makes
// fewer than n such calls; that last attempt runs without a fault, so `attempt` sees
// `faults.fired()` false once. `attempt` performs the operation and checks its effects itself.
// Returns the number of attempts in which a fault fired; gives up (returning -1) past
// `max_faults`, which only a loop that keeps calling the store reaches.
template <typename Attempt>
int ForEachInjectedFault(FaultInjector& faults, Attempt&& attempt,
                         std::optional<StoreCall> only = std::nullopt, int max_faults = 1000) {
  for (int n = 1; n <= max_faults; ++n) {
    faults.Reset();
    faults.FailNth(n, InjectedFault(), only);
    attempt(n);
    const bool fired = faults.fired();
    faults.Reset();
    if (!fired) return n - 1;
  }
  return -1;
}

}  // namespace mlops::test
