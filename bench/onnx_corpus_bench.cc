// The ONNX coverage corpus (tests/corpus/onnx_models/, 29 models exported from PyTorch):
//   OnnxEngines/<model>: ONNX Runtime (the engine) against OpenCV DNN 4.6 (the engine before it,
//     when the bench is built with OpenCV) in the same run: each loads the model, runs every test
//     vector and compares with PyTorch's outputs, then times 50 inferences of the first vector
//     (after 3 warm-up runs); p50 and throughput become counters, OpenCV's outcome the label.
//   FunctionalIoCorpus/<model>[_Isolated]: one whole functional_io scan with the model's vectors
//     (checker, shape inference, session, every vector run and compared), in process or in a
//     child `mlops scan-child` as the service runs it.
// MLOPS_BENCH_ONNX_CORPUS=<dir> measures another corpus of the same form instead (a manifest.json
// and <model>.onnx / <model>.vectors.json files), e.g. the full-size CNNs that
// `tests/corpus/make_onnx_model_corpus.py --full-size <dir>` writes.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/onnx_model_runtime.h"
#include "runtime/run_timing.h"
#include "validation/functional/functional_corpus_test_util.h"
#include "validation/functional/functional_io_scanner.h"
#include "validation/functional/test_vectors.h"
#include "validation/isolation/isolated_scanner.h"
#ifdef MLOPS_BENCH_WITH_OPENCV
#include "opencv_dnn_runtime.h"
#endif

namespace mlops::bench {
namespace {

using validation::testing::CorpusSubject;
using validation::testing::OnnxCorpusModel;
using validation::testing::OnnxCorpusModels;
using validation::testing::ReadTextFile;

// The corpus directory: MLOPS_BENCH_ONNX_CORPUS, else the committed tests/corpus/onnx_models/.
std::filesystem::path CorpusFile(const std::string& file_name) {
  const char* directory = std::getenv("MLOPS_BENCH_ONNX_CORPUS");
  return directory != nullptr && *directory != '\0'
             ? std::filesystem::path(directory) / file_name
             : validation::testing::OnnxModelCorpus(file_name);
}

constexpr int kWarmupRuns = 3;
constexpr int kTimedRuns = 50;

struct EngineOutcome {
  std::string error;  // empty: loaded, ran every vector and matched PyTorch
  runtime::LatencySummary figures;
};

EngineOutcome Measure(runtime::ModelRuntime& engine, const OnnxCorpusModel& model,
                      const validation::TestVectorSet& vectors) {
  auto loaded = engine.Load(CorpusFile(model.model_file));
  if (!loaded.ok()) return {"load: " + loaded.status().message(), {}};
  std::vector<runtime::Tensor> first_inputs;
  for (std::size_t i = 0; i < vectors.vectors.size(); ++i) {
    auto inputs = validation::OrderInputs((*loaded)->signature().inputs, vectors.vectors[i].inputs);
    if (!inputs.ok()) return {inputs.status().message(), {}};
    auto outputs = (*loaded)->Run(*inputs);
    if (!outputs.ok()) return {fmt::format("vector {}: {}", i, outputs.status().message()), {}};
    for (const auto& comparison : validation::CompareOutputs(vectors.vectors[i].expected_outputs,
                                                             *outputs, vectors.tolerance)) {
      if (!comparison.matches) return {fmt::format("vector {}: {}", i, comparison.mismatch), {}};
    }
    if (i == 0) first_inputs = std::move(*inputs);
  }
  auto timings = runtime::TimeRuns(**loaded, first_inputs, kWarmupRuns, kTimedRuns);
  if (!timings.ok()) return {timings.status().message(), {}};
  return {"", runtime::Summarize(*timings)};
}

void BM_OnnxEngines(benchmark::State& state, const OnnxCorpusModel& model) {
  const auto parameters = nlohmann::json::parse(ReadTextFile(CorpusFile(model.vectors_file)));
  auto vectors = validation::ParseTestVectors(parameters);
  if (!vectors.ok() || !vectors->has_value()) {
    state.SkipWithError("the model's test vectors do not parse");
    return;
  }
  runtime::OnnxModelRuntime onnxruntime;
  EngineOutcome ort;
  std::string label = "opencv: not built";
  for (auto _ : state) {
    ort = Measure(onnxruntime, model, **vectors);
    if (!ort.error.empty()) {
      state.SkipWithError(("onnxruntime: " + ort.error).c_str());
      return;
    }
    state.counters["ort_p50_ms"] = ort.figures.p50_ms;
    state.counters["ort_per_s"] = ort.figures.throughput_per_s;
#ifdef MLOPS_BENCH_WITH_OPENCV
    OpenCvDnnRuntime opencv;
    const EngineOutcome cv = Measure(opencv, model, **vectors);
    if (cv.error.empty()) {
      label = "opencv: correct";
      state.counters["cv_p50_ms"] = cv.figures.p50_ms;
      state.counters["cv_per_s"] = cv.figures.throughput_per_s;
      state.counters["cv_over_ort_p50"] = cv.figures.p50_ms / ort.figures.p50_ms;
    } else {
      label = "opencv: " + cv.error.substr(0, 200);
      std::replace(label.begin(), label.end(), '\n', ' ');
    }
#endif
  }
  state.SetLabel(label);
}

void BM_FunctionalIoCorpus(benchmark::State& state, const OnnxCorpusModel& model, bool isolated) {
  const CorpusSubject corpus(model.model_file, ModelFormat::kOnnx,
                             ReadTextFile(CorpusFile(model.vectors_file)),
                             CorpusFile(model.model_file));
  const validation::ScanSubject subject = corpus.subject();
  std::unique_ptr<validation::Scanner> scanner;
  if (isolated) {
    scanner = std::make_unique<validation::IsolatedScanner>(
        ScanType::kFunctionalIo, validation::IsolationSettings{.executable = MLOPS_BINARY});
  } else {
    scanner = std::make_unique<validation::FunctionalIoScanner>();
  }
  for (auto _ : state) {
    const validation::ScanOutcome outcome = scanner->Scan(subject);
    if (outcome.status != ValidationStatus::kPassed) {
      state.SkipWithError(outcome.summary.c_str());
      return;
    }
  }
}

// One benchmark of each kind per corpus model, in the manifest's order.
const bool kRegistered = [] {
  const std::vector<OnnxCorpusModel> models = OnnxCorpusModels(CorpusFile("manifest.json"));
  for (const OnnxCorpusModel& model : models) {
    benchmark::RegisterBenchmark(("OnnxEngines/" + model.name).c_str(), BM_OnnxEngines, model)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  for (const OnnxCorpusModel& model : models) {
    benchmark::RegisterBenchmark(("FunctionalIoCorpus/" + model.name).c_str(),
                                 BM_FunctionalIoCorpus, model, false)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("FunctionalIoCorpus/" + model.name + "_Isolated").c_str(),
                                 BM_FunctionalIoCorpus, model, true)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace
}  // namespace mlops::bench
