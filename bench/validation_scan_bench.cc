// Wall time of the functional_io and performance_benchmark scans on the functional corpus
// (tests/corpus/functional/), as a validation job would spend it: every iteration loads the
// model anew (checker, shape inference, import), generates inputs and runs. The artifact is on
// local disk already, as the job runner leaves it. The _Isolated variants run the scan as the
// service does by default, in a child `mlops scan-child` process each (IsolatedScanner); they
// count wall time, as the CPU time is the child's, not this process's.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "validation/functional/functional_corpus_test_util.h"
#include "validation/functional/functional_io_scanner.h"
#include "validation/isolation/isolated_scanner.h"
#include "validation/performance/performance_benchmark_scanner.h"

namespace mlops::validation {
namespace {

using testing::CorpusSubject;

constexpr char kTorchscriptParameters[] =
    R"({"io_signature": {"inputs": [{"name": "x", "dtype": "float32", "shape": [1, 4]}]}})";

// Runs the scan once per iteration; for performance_benchmark, the last scan's own p50/p99
// (one inference, in microseconds) become counters.
void RunScan(benchmark::State& state, Scanner& scanner, const CorpusSubject& corpus) {
  const ScanSubject subject = corpus.subject();
  ScanOutcome outcome;
  for (auto _ : state) {
    outcome = scanner.Scan(subject);
    if (outcome.status != ValidationStatus::kPassed &&
        outcome.status != ValidationStatus::kWarning) {
      state.SkipWithError(outcome.summary.c_str());
      return;
    }
  }
  if (scanner.type() == ScanType::kPerformanceBenchmark) {
    const auto details = nlohmann::json::parse(outcome.details);
    state.counters["inference_p50_us"] = details["p50_ms"].get<double>() * 1000;
    state.counters["inference_p99_us"] = details["p99_ms"].get<double>() * 1000;
  }
}

void BM_FunctionalIo_Onnx(benchmark::State& state) {
  FunctionalIoScanner scanner;
  RunScan(state, scanner, CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx));
}
BENCHMARK(BM_FunctionalIo_Onnx)->Unit(benchmark::kMillisecond);

void BM_FunctionalIo_TorchScript(benchmark::State& state) {
  FunctionalIoScanner scanner;
  RunScan(state, scanner,
          CorpusSubject("tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript,
                        kTorchscriptParameters));
}
BENCHMARK(BM_FunctionalIo_TorchScript)->Unit(benchmark::kMillisecond);

void BM_FunctionalIo_Onnx_Isolated(benchmark::State& state) {
  IsolatedScanner scanner(ScanType::kFunctionalIo, {.executable = MLOPS_BINARY});
  RunScan(state, scanner, CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx));
}
BENCHMARK(BM_FunctionalIo_Onnx_Isolated)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FunctionalIo_TorchScript_Isolated(benchmark::State& state) {
  IsolatedScanner scanner(ScanType::kFunctionalIo, {.executable = MLOPS_BINARY});
  RunScan(state, scanner,
          CorpusSubject("tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript,
                        kTorchscriptParameters));
}
BENCHMARK(BM_FunctionalIo_TorchScript_Isolated)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FunctionalIo_SavedModelStructure(benchmark::State& state) {
  FunctionalIoScanner scanner;
  RunScan(state, scanner,
          CorpusSubject("savedmodel_structure.zip", ModelFormat::kTensorflowSavedmodel));
}
BENCHMARK(BM_FunctionalIo_SavedModelStructure)->Unit(benchmark::kMillisecond);

// The service's defaults: 5 warm-up runs, 100 timed runs.
void BM_PerformanceBenchmark_Onnx(benchmark::State& state) {
  PerformanceBenchmarkScanner scanner;
  RunScan(state, scanner, CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx));
}
BENCHMARK(BM_PerformanceBenchmark_Onnx)->Unit(benchmark::kMillisecond);

void BM_PerformanceBenchmark_TorchScript(benchmark::State& state) {
  PerformanceBenchmarkScanner scanner;
  RunScan(state, scanner,
          CorpusSubject("tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript,
                        kTorchscriptParameters));
}
BENCHMARK(BM_PerformanceBenchmark_TorchScript)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mlops::validation
