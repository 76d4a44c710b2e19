#include "services/validation_worker_pool.h"

#include "common/logging.h"
#include "common/time.h"

namespace mlops {

ValidationWorkerPool::ValidationWorkerPool(ValidationJobRunner& runner, int workers,
                                           std::chrono::milliseconds poll_interval,
                                           std::chrono::milliseconds lease)
    : runner_(runner),
      worker_count_(workers),
      poll_interval_(poll_interval),
      reclaim_interval_(
          std::max<std::chrono::milliseconds>(lease / 2, std::chrono::milliseconds(1))) {}

ValidationWorkerPool::~ValidationWorkerPool() {
  if (!threads_.empty()) Stop(std::chrono::milliseconds(0));
}

void ValidationWorkerPool::Start() {
  std::lock_guard lock(mutex_);
  running_ = worker_count_;
  for (int i = 0; i < worker_count_; ++i) threads_.emplace_back([this] { Work(); });
}

void ValidationWorkerPool::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  changed_.notify_all();
}

void ValidationWorkerPool::MaybeReclaim() {
  const std::int64_t now = NowMs();
  std::int64_t due = next_reclaim_ms_.load();
  if (now < due) return;
  // One worker per interval does it.
  if (!next_reclaim_ms_.compare_exchange_strong(due, now + reclaim_interval_.count())) return;
  StatusOr<std::int64_t> reclaimed = runner_.ReclaimExpired();
  if (!reclaimed.ok()) {
    Log(LogLevel::kWarn, "cannot reclaim expired validation jobs",
        {{"error", reclaimed.status().ToString()}});
  } else if (*reclaimed > 0) {
    Log(LogLevel::kInfo, "requeued validation jobs whose leases expired", {{"jobs", *reclaimed}});
  }
}

void ValidationWorkerPool::Work() {
  while (!stop_.stopped()) {
    MaybeReclaim();
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      seen = wakeups_;
    }
    StatusOr<bool> ran = runner_.RunOne(stop_);
    if (ran.ok() && *ran) continue;
    if (!ran.ok()) {
      Log(LogLevel::kWarn, "validation job failed to run; retrying later",
          {{"error", ran.status().ToString()}});
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, poll_interval_, [&] { return wakeups_ != seen || stop_.stopped(); });
  }
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  changed_.notify_all();
}

bool ValidationWorkerPool::Stop(std::chrono::milliseconds grace) {
  stop_.Stop();
  {
    std::lock_guard lock(mutex_);  // a worker between its check and its wait sees the stop
  }
  changed_.notify_all();
  bool all_stopped;
  {
    std::unique_lock lock(mutex_);
    all_stopped = changed_.wait_for(lock, grace, [this] { return running_ == 0; });
  }
  if (!all_stopped) {
    runner_.ReleaseInFlight();
    Log(LogLevel::kWarn, "validation scans outlasted the shutdown grace; their jobs were released");
    for (std::thread& thread : threads_) thread.detach();
  } else {
    for (std::thread& thread : threads_) thread.join();
  }
  threads_.clear();
  return all_stopped;
}

}  // namespace mlops
