#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/run_timing.h"

namespace mlops::validation {

// What a version's parameters ask of the benchmark.
struct BenchmarkParameters {
  // parameters.benchmark_iterations: timed runs instead of the service's default.
  std::optional<int> iterations;
  // parameters.max_p50_ms, max_p95_ms, max_p99_ms, min_throughput_per_s.
  std::optional<double> max_p50_ms;
  std::optional<double> max_p95_ms;
  std::optional<double> max_p99_ms;
  std::optional<double> min_throughput_per_s;
};

// Returns InvalidArgument naming the field that is not a positive number (an integer for
// benchmark_iterations).
StatusOr<BenchmarkParameters> ParseBenchmarkParameters(const nlohmann::json& parameters);

// One sentence per threshold the figures violate, naming it, e.g. "p99 latency 12.40 ms exceeds
// max_p99_ms 5.00"; empty when all hold.
std::vector<std::string> FindThresholdViolations(const BenchmarkParameters& thresholds,
                                                 const runtime::LatencySummary& figures);

// The thresholds that are set, as a JSON object.
nlohmann::json ThresholdsToJson(const BenchmarkParameters& thresholds);

}  // namespace mlops::validation
