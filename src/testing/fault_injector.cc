#include "testing/fault_injector.h"

namespace mlops::test {

std::string_view StoreCallName(StoreCall call) {
  switch (call) {
    case StoreCall::kReadTx:
      return "ReadTx";
    case StoreCall::kWriteTx:
      return "WriteTx";
    case StoreCall::kTxQuery:
      return "TxQuery";
    case StoreCall::kTxMutation:
      return "TxMutation";
    case StoreCall::kCommit:
      return "Commit";
    case StoreCall::kCommitReply:
      return "CommitReply";
    case StoreCall::kMetadataPing:
      return "MetadataPing";
    case StoreCall::kBeginWrite:
      return "BeginWrite";
    case StoreCall::kWriteChunk:
      return "WriteChunk";
    case StoreCall::kFinish:
      return "Finish";
    case StoreCall::kPublish:
      return "Publish";
    case StoreCall::kStat:
      return "Stat";
    case StoreCall::kOpen:
      return "Open";
    case StoreCall::kDelete:
      return "Delete";
    case StoreCall::kList:
      return "List";
    case StoreCall::kPresign:
      return "Presign";
    case StoreCall::kSweepTemporaries:
      return "SweepTemporaries";
    case StoreCall::kArtifactPing:
      return "ArtifactPing";
  }
  return "?";
}

void FaultInjector::FailNth(std::int64_t n, Status error, std::optional<StoreCall> only) {
  std::lock_guard lock(mutex_);
  plans_.push_back(Plan{n, CountLocked(only), std::move(error), nullptr, only});
}

void FaultInjector::RunBeforeNth(std::int64_t n, std::function<void()> action,
                                 std::optional<StoreCall> only) {
  std::lock_guard lock(mutex_);
  plans_.push_back(Plan{n, CountLocked(only), OkStatus(), std::move(action), only});
}

void FaultInjector::Reset() {
  std::lock_guard lock(mutex_);
  plans_.clear();
  fired_calls_.clear();
  total_calls_ = 0;
  calls_.clear();
}

Status FaultInjector::Hit(StoreCall call) {
  Status error;
  std::vector<std::function<void()>> actions;
  {
    std::lock_guard lock(mutex_);
    const bool counted_as_any = call != StoreCall::kCommitReply;
    if (counted_as_any) ++total_calls_;
    const std::int64_t of_kind = ++calls_[call];
    for (Plan& plan : plans_) {
      if (!plan.only && !counted_as_any) continue;
      const bool matches = plan.only ? (*plan.only == call && of_kind - plan.before == plan.n)
                                     : total_calls_ - plan.before == plan.n;
      if (plan.fired || !matches) continue;
      plan.fired = true;
      fired_calls_.push_back(call);
      if (plan.action) actions.push_back(plan.action);
      if (error.ok()) error = plan.error;
    }
  }
  // Unlocked: the actions call the stores, which call Hit().
  for (const auto& action : actions) action();
  return error;
}

bool FaultInjector::fired() const {
  std::lock_guard lock(mutex_);
  if (plans_.empty()) return false;
  for (const Plan& plan : plans_) {
    if (!plan.fired) return false;
  }
  return true;
}

std::vector<StoreCall> FaultInjector::fired_calls() const {
  std::lock_guard lock(mutex_);
  return fired_calls_;
}

std::int64_t FaultInjector::calls(std::optional<StoreCall> only) const {
  std::lock_guard lock(mutex_);
  return CountLocked(only);
}

std::int64_t FaultInjector::CountLocked(std::optional<StoreCall> only) const {
  if (!only) return total_calls_;
  auto it = calls_.find(*only);
  return it == calls_.end() ? 0 : it->second;
}

Status InjectedFault() { return Unavailable("injected fault"); }

}  // namespace mlops::test
