#pragma once

#include "runtime/input_generator.h"
#include "runtime/runtime_factory.h"
#include "validation/scanner.h"

namespace mlops::validation {

struct PerformanceBenchmarkSettings {
  // Untimed runs before measuring (first-run allocation, lazy initialisation).
  int warmup_runs = 5;
  // Timed runs, unless the version's parameters.benchmark_iterations says otherwise.
  int iterations = 100;
  // The most timed runs parameters.benchmark_iterations may ask for; more are capped.
  int max_iterations = 10000;
  runtime::InputGenerationOptions inputs;
  // How the runtimes are set up (ONNX Runtime's threads, optimisation level, arena).
  runtime::RuntimeSettings runtime;
};

// performance_benchmark: loads the model as functional_io does, runs it warmup_runs times, then
// times N sequential inferences on the same inputs (the first test vector's when the version
// declares test vectors, generated ones otherwise) and reports
// p50/p95/p99 latency and throughput, FAILED naming each threshold in the version's parameters
// (max_p50_ms, max_p95_ms, max_p99_ms, min_throughput_per_s) the figures violate. SKIPPED for
// formats without a local runtime in this build. Thread-safe; concurrent scans share the CPU,
// which shows in the figures.
class PerformanceBenchmarkScanner final : public Scanner {
 public:
  explicit PerformanceBenchmarkScanner(PerformanceBenchmarkSettings settings = {})
      : settings_(std::move(settings)) {}

  ScanType type() const override { return ScanType::kPerformanceBenchmark; }
  ScanOutcome Scan(const ScanSubject& subject) override;

 private:
  ScanOutcome Benchmark(const ScanSubject& subject) const;

  PerformanceBenchmarkSettings settings_;
};

}  // namespace mlops::validation
