#pragma once

#include <cstddef>
#include <vector>

#include "common/status.h"
#include "runtime/model_runtime.h"

namespace mlops::runtime {

// Latencies of sequential runs on one thread, and the wall time they took together.
struct RunTimings {
  std::vector<double> latencies_ms;
  double total_seconds = 0;
};

// Runs `model` `warmup_runs` times untimed (first-run allocation and lazy initialisation), then
// `timed_runs` times timed, each on the same inputs. Returns the first failing run's status.
StatusOr<RunTimings> TimeRuns(LoadedModel& model, const std::vector<Tensor>& inputs,
                              int warmup_runs, int timed_runs);

struct LatencySummary {
  std::size_t runs = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double mean_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
  // Sequential inferences per second: runs / total_seconds.
  double throughput_per_s = 0;
};

// Nearest-rank percentiles (the smallest latency at or above which p% of the runs fall).
// All zero for no runs.
LatencySummary Summarize(const RunTimings& timings);

}  // namespace mlops::runtime
