#include "validation/performance/performance_benchmark_scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/runtime_factory.h"
#include "validation/functional/functional_corpus_test_util.h"

namespace mlops::validation {
namespace {

using testing::CorpusSubject;
using ::testing::HasSubstr;

ScanOutcome Benchmark(const CorpusSubject& corpus, int iterations = 20) {
  PerformanceBenchmarkScanner scanner(
      {.warmup_runs = 2, .iterations = iterations, .inputs = {}, .runtime = {}});
  return scanner.Scan(corpus.subject());
}

TEST(PerformanceBenchmarkScannerTest, TimesTheFirstTestVectorsInputsWhenDeclared) {
  // Generated inputs would give this Conv1d model a one-sample waveform (its time axis is
  // dynamic); the version's first test vector has 400 samples, a shape it is meant for.
  const CorpusSubject corpus(
      "conv1d_audio.onnx", ModelFormat::kOnnx,
      testing::ReadTextFile(testing::OnnxModelCorpus("conv1d_audio.vectors.json")),
      testing::OnnxModelCorpus("conv1d_audio.onnx"));
  const ScanOutcome outcome = Benchmark(corpus);
  ASSERT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  const auto report = nlohmann::json::parse(outcome.report);
  EXPECT_EQ(report["test_vector_inputs"][0]["shape"], nlohmann::json::parse("[1, 1, 400]"));
  EXPECT_FALSE(report.contains("generated_inputs"));
}

TEST(PerformanceBenchmarkScannerTest, IsThePerformanceBenchmarkScan) {
  EXPECT_EQ(PerformanceBenchmarkScanner().type(), ScanType::kPerformanceBenchmark);
}

TEST(PerformanceBenchmarkScannerTest, NoThresholdsPassesWithTheFigures) {
  const ScanOutcome outcome = Benchmark(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx));
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_THAT(outcome.summary, HasSubstr("no thresholds set"));
  const auto details = nlohmann::json::parse(outcome.details);
  EXPECT_EQ(details["runs"], 20);
  EXPECT_EQ(details["warmup_runs"], 2);
  EXPECT_GT(details["p50_ms"].get<double>(), 0);
  EXPECT_LE(details["p50_ms"].get<double>(), details["p95_ms"].get<double>());
  EXPECT_LE(details["p95_ms"].get<double>(), details["p99_ms"].get<double>());
  EXPECT_GT(details["throughput_per_s"].get<double>(), 0);
  EXPECT_EQ(nlohmann::json::parse(outcome.report)["latencies_ms"].size(), 20u);
  EXPECT_FALSE(outcome.io_signature.has_value());
}

TEST(PerformanceBenchmarkScannerTest, GenerousThresholdsPass) {
  const ScanOutcome outcome = Benchmark(CorpusSubject(
      "tiny_gemm_relu.onnx", ModelFormat::kOnnx,
      R"({"max_p50_ms": 10000, "max_p99_ms": 10000, "min_throughput_per_s": 0.001})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_THAT(outcome.summary, HasSubstr("within the version's thresholds"));
}

TEST(PerformanceBenchmarkScannerTest, AnImpossibleLatencyThresholdFailsNamingIt) {
  const ScanOutcome outcome = Benchmark(
      CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx, R"({"max_p99_ms": 1e-9})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("p99 latency"));
  EXPECT_THAT(outcome.summary, HasSubstr("exceeds max_p99_ms"));
  const auto details = nlohmann::json::parse(outcome.details);
  EXPECT_EQ(details["violations"].size(), 1u);
  EXPECT_EQ(details["thresholds"]["max_p99_ms"], 1e-9);
}

TEST(PerformanceBenchmarkScannerTest, AnImpossibleThroughputFailsNamingIt) {
  const ScanOutcome outcome =
      Benchmark(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx,
                              R"({"min_throughput_per_s": 1e12, "max_p50_ms": 1e-9})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("p50 latency"));
  EXPECT_THAT(outcome.summary, HasSubstr("and 1 more"));
  const auto details = nlohmann::json::parse(outcome.details);
  ASSERT_EQ(details["violations"].size(), 2u);
  EXPECT_THAT(details["violations"][1].get<std::string>(),
              HasSubstr("is below min_throughput_per_s"));
}

TEST(PerformanceBenchmarkScannerTest, TheVersionMayAskForMoreIterationsUpToTheCap) {
  PerformanceBenchmarkScanner scanner(
      {.warmup_runs = 0, .iterations = 5, .max_iterations = 40, .inputs = {}, .runtime = {}});
  const ScanOutcome asked = scanner.Scan(
      CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx, R"({"benchmark_iterations": 30})")
          .subject());
  EXPECT_EQ(nlohmann::json::parse(asked.details)["runs"], 30);
  const ScanOutcome capped = scanner.Scan(
      CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx, R"({"benchmark_iterations": 1000})")
          .subject());
  EXPECT_EQ(nlohmann::json::parse(capped.details)["runs"], 40);
  EXPECT_EQ(nlohmann::json::parse(capped.report)["iterations_requested"], 1000);
}

TEST(PerformanceBenchmarkScannerTest, MalformedThresholdsFail) {
  const ScanOutcome outcome = Benchmark(
      CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx, R"({"max_p95_ms": "fast"})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("parameters.max_p95_ms"));
}

TEST(PerformanceBenchmarkScannerTest, AnInvalidModelFails) {
  const ScanOutcome outcome =
      Benchmark(CorpusSubject("invalid_undefined_input.onnx", ModelFormat::kOnnx));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("ONNX checker"));
}

TEST(PerformanceBenchmarkScannerTest, TorchScriptIsTimedWhenBuiltInAndSkippedOtherwise) {
  const ScanOutcome outcome = Benchmark(CorpusSubject(
      "tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript,
      R"({"io_signature": {"inputs": [{"name": "x", "dtype": "float32", "shape": [1, 4]}]}})"));
  if (!runtime::HasTorchscriptRuntime()) {
    EXPECT_EQ(outcome.status, ValidationStatus::kSkipped);
    EXPECT_EQ(outcome.summary, "built without libtorch");
    return;
  }
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_EQ(nlohmann::json::parse(outcome.details)["runs"], 20);
}

TEST(PerformanceBenchmarkScannerTest, FormatsWithoutALocalRuntimeAreSkipped) {
  for (ModelFormat format : {ModelFormat::kTensorflowSavedmodel,
                             ModelFormat::kCustomPythonContainer, ModelFormat::kOther}) {
    const ScanOutcome outcome = Benchmark(CorpusSubject("savedmodel_structure.zip", format));
    EXPECT_EQ(outcome.status, ValidationStatus::kSkipped) << ToString(format);
    EXPECT_THAT(outcome.summary, HasSubstr(ToString(format)));
  }
}

}  // namespace
}  // namespace mlops::validation
