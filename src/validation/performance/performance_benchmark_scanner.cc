#include "validation/performance/performance_benchmark_scanner.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <string>

#include "runtime/run_timing.h"
#include "validation/functional/io_signature_json.h"
#include "validation/functional/prepared_model.h"
#include "validation/performance/benchmark_parameters.h"

namespace mlops::validation {
namespace {

nlohmann::json FiguresToJson(const runtime::LatencySummary& figures) {
  return {{"runs", figures.runs},       {"p50_ms", figures.p50_ms},
          {"p95_ms", figures.p95_ms},   {"p99_ms", figures.p99_ms},
          {"mean_ms", figures.mean_ms}, {"min_ms", figures.min_ms},
          {"max_ms", figures.max_ms},   {"throughput_per_s", figures.throughput_per_s}};
}

std::string FiguresText(const runtime::LatencySummary& figures) {
  return fmt::format(
      "p50 {:.3f} ms, p95 {:.3f} ms, p99 {:.3f} ms, {:.1f} inferences/s over {} runs",
      figures.p50_ms, figures.p95_ms, figures.p99_ms, figures.throughput_per_s, figures.runs);
}

}  // namespace

ScanOutcome PerformanceBenchmarkScanner::Scan(const ScanSubject& subject) {
  try {
    return Benchmark(subject);
  } catch (const std::exception& e) {
    return OutcomeForError(Internal(std::string("performance_benchmark failed: ") + e.what()));
  } catch (...) {
    return OutcomeForError(Internal("performance_benchmark failed with an unknown exception"));
  }
}

ScanOutcome PerformanceBenchmarkScanner::Benchmark(const ScanSubject& subject) const {
  StatusOr<nlohmann::json> parameters = ParseParameters(subject.version.parameters);
  if (!parameters.ok()) return OutcomeForError(parameters.status());
  StatusOr<ModelRunParameters> run_parameters = ParseModelRunParameters(*parameters);
  if (!run_parameters.ok()) return OutcomeForError(run_parameters.status());
  StatusOr<BenchmarkParameters> benchmark = ParseBenchmarkParameters(*parameters);
  if (!benchmark.ok()) return OutcomeForError(benchmark.status());
  StatusOr<PreparedModel> prepared =
      PrepareModel(subject, *run_parameters, settings_.inputs, settings_.runtime);
  if (!prepared.ok()) return OutcomeForError(prepared.status());

  const int requested = benchmark->iterations.value_or(settings_.iterations);
  const int iterations = std::clamp(requested, 1, std::max(settings_.max_iterations, 1));
  StatusOr<runtime::RunTimings> timings =
      runtime::TimeRuns(*prepared->model, prepared->inputs, settings_.warmup_runs, iterations);
  if (!timings.ok()) return OutcomeForError(timings.status());
  const runtime::LatencySummary figures = runtime::Summarize(*timings);
  const std::vector<std::string> violations = FindThresholdViolations(*benchmark, figures);

  const nlohmann::json thresholds = ThresholdsToJson(*benchmark);
  nlohmann::json details = FiguresToJson(figures);
  details["warmup_runs"] = settings_.warmup_runs;
  details["thresholds"] = thresholds;
  details["violations"] = violations;
  nlohmann::json report = details;
  report["iterations_requested"] = requested;
  report[run_parameters->test_vectors ? "test_vector_inputs" : "generated_inputs"] =
      TensorsToJson(prepared->inputs);
  report["latencies_ms"] = timings->latencies_ms;

  ScanOutcome outcome;
  outcome.details = DumpJson(details);
  outcome.report = DumpJson(report);
  if (!violations.empty()) {
    outcome.status = ValidationStatus::kFailed;
    outcome.summary = violations.size() == 1
                          ? violations[0]
                          : violations[0] + " (and " + std::to_string(violations.size() - 1) +
                                " more thresholds violated)";
  } else {
    outcome.status = ValidationStatus::kPassed;
    outcome.summary =
        FiguresText(figures) +
        (thresholds.empty() ? ", no thresholds set" : ", within the version's thresholds");
  }
  return outcome;
}

}  // namespace mlops::validation
