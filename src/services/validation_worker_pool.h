#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "services/stop_signal.h"
#include "services/validation_job_runner.h"

namespace mlops {

// The threads that run validation jobs (MLOPS_VALIDATION_WORKERS). Each claims the oldest queued
// job, runs it, and when none is queued sleeps until woken (jobs queued in this process) or the
// poll interval passes (jobs queued by other replicas). Every half lease one of them requeues the
// jobs whose leases expired (a crashed or killed process), so they run again.
// Start() once, Stop() once; Wake() is thread-safe.
class ValidationWorkerPool {
 public:
  ValidationWorkerPool(ValidationJobRunner& runner, int workers,
                       std::chrono::milliseconds poll_interval, std::chrono::milliseconds lease);
  // Stops (without grace) if Stop() was not called.
  ~ValidationWorkerPool();

  void Start();
  void Wake();

  // Stops claiming jobs and waits up to `grace` for the jobs in progress: a job still waiting to
  // start its scan is released at once; a scan in progress may finish and write its result. Jobs
  // whose scans outlast the grace are released (taken up again by others or on the next start)
  // and their threads left to end by themselves: returns false then, and the process should exit
  // without waiting for them.
  bool Stop(std::chrono::milliseconds grace);

 private:
  void Work();
  void MaybeReclaim();

  ValidationJobRunner& runner_;
  const int worker_count_;
  const std::chrono::milliseconds poll_interval_;
  const std::chrono::milliseconds reclaim_interval_;
  StopSignal stop_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t wakeups_ = 0;
  int running_ = 0;  // worker threads not yet returned
  std::atomic<std::int64_t> next_reclaim_ms_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace mlops
