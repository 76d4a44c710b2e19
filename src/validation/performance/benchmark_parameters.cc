#include "validation/performance/benchmark_parameters.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace mlops::validation {
namespace {

Status ParsePositiveNumber(const nlohmann::json& parameters, const char* key,
                           std::optional<double>& out) {
  const auto value = parameters.find(key);
  if (value == parameters.end()) return OkStatus();
  if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() <= 0) {
    return InvalidArgument(std::string("parameters.") + key + " must be a positive number");
  }
  out = value->get<double>();
  return OkStatus();
}

struct Threshold {
  const char* key;
  const char* figure_name;
  std::optional<double> BenchmarkParameters::*limit;
  double runtime::LatencySummary::*figure;
  bool is_minimum;
  const char* unit;
};

constexpr Threshold kThresholds[] = {
    {"max_p50_ms", "p50 latency", &BenchmarkParameters::max_p50_ms,
     &runtime::LatencySummary::p50_ms, false, "ms"},
    {"max_p95_ms", "p95 latency", &BenchmarkParameters::max_p95_ms,
     &runtime::LatencySummary::p95_ms, false, "ms"},
    {"max_p99_ms", "p99 latency", &BenchmarkParameters::max_p99_ms,
     &runtime::LatencySummary::p99_ms, false, "ms"},
    {"min_throughput_per_s", "throughput", &BenchmarkParameters::min_throughput_per_s,
     &runtime::LatencySummary::throughput_per_s, true, "inferences/s"},
};

}  // namespace

StatusOr<BenchmarkParameters> ParseBenchmarkParameters(const nlohmann::json& parameters) {
  BenchmarkParameters parsed;
  if (const auto value = parameters.find("benchmark_iterations"); value != parameters.end()) {
    if (!value->is_number_integer() || value->get<std::int64_t>() < 1 ||
        value->get<std::int64_t>() > std::numeric_limits<int>::max()) {
      return InvalidArgument("parameters.benchmark_iterations must be a positive integer");
    }
    parsed.iterations = static_cast<int>(value->get<std::int64_t>());
  }
  for (const Threshold& threshold : kThresholds) {
    RETURN_IF_ERROR(ParsePositiveNumber(parameters, threshold.key, parsed.*threshold.limit));
  }
  return parsed;
}

std::vector<std::string> FindThresholdViolations(const BenchmarkParameters& thresholds,
                                                 const runtime::LatencySummary& figures) {
  std::vector<std::string> violations;
  for (const Threshold& threshold : kThresholds) {
    const std::optional<double>& limit = thresholds.*threshold.limit;
    if (!limit) continue;
    const double figure = figures.*threshold.figure;
    const bool violated = threshold.is_minimum ? figure < *limit : figure > *limit;
    if (violated) {
      violations.push_back(
          fmt::format("{} {:.3f} {} {} {} {}", threshold.figure_name, figure, threshold.unit,
                      threshold.is_minimum ? "is below" : "exceeds", threshold.key, *limit));
    }
  }
  return violations;
}

nlohmann::json ThresholdsToJson(const BenchmarkParameters& thresholds) {
  nlohmann::json json = nlohmann::json::object();
  for (const Threshold& threshold : kThresholds) {
    if (const std::optional<double>& limit = thresholds.*threshold.limit) {
      json[threshold.key] = *limit;
    }
  }
  return json;
}

}  // namespace mlops::validation
