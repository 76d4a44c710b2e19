#include "runtime/run_timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace mlops::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double NearestRank(const std::vector<double>& sorted, double percent) {
  const auto rank = static_cast<std::size_t>(std::ceil(percent / 100.0 * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

StatusOr<RunTimings> TimeRuns(LoadedModel& model, const std::vector<Tensor>& inputs,
                              int warmup_runs, int timed_runs) {
  for (int i = 0; i < warmup_runs; ++i) RETURN_IF_ERROR(model.Run(inputs));
  RunTimings timings;
  timings.latencies_ms.reserve(static_cast<std::size_t>(std::max(timed_runs, 0)));
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < timed_runs; ++i) {
    const Clock::time_point before = Clock::now();
    RETURN_IF_ERROR(model.Run(inputs));
    timings.latencies_ms.push_back(Seconds(Clock::now() - before) * 1000.0);
  }
  timings.total_seconds = Seconds(Clock::now() - start);
  return timings;
}

LatencySummary Summarize(const RunTimings& timings) {
  LatencySummary summary;
  if (timings.latencies_ms.empty()) return summary;
  std::vector<double> sorted = timings.latencies_ms;
  std::sort(sorted.begin(), sorted.end());
  summary.runs = sorted.size();
  summary.p50_ms = NearestRank(sorted, 50);
  summary.p95_ms = NearestRank(sorted, 95);
  summary.p99_ms = NearestRank(sorted, 99);
  summary.mean_ms = std::accumulate(sorted.begin(), sorted.end(), 0.0) / sorted.size();
  summary.min_ms = sorted.front();
  summary.max_ms = sorted.back();
  if (timings.total_seconds > 0) summary.throughput_per_s = sorted.size() / timings.total_seconds;
  return summary;
}

}  // namespace mlops::runtime
