#include "validation/functional/functional_io_scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "runtime/runtime_factory.h"
#include "validation/functional/functional_corpus_test_util.h"

namespace mlops::validation {
namespace {

using testing::CorpusSubject;
using ::testing::HasSubstr;

// Declares the TorchScript corpus model's input, which TorchScript itself does not record.
constexpr char kTorchscriptParameters[] =
    R"({"io_signature": {"inputs": [{"name": "x", "dtype": "float32", "shape": [1, 4]}]}})";

ScanOutcome Scan(const CorpusSubject& corpus) {
  FunctionalIoScanner scanner;
  return scanner.Scan(corpus.subject());
}

TEST(FunctionalIoScannerTest, IsTheFunctionalIoScan) {
  EXPECT_EQ(FunctionalIoScanner().type(), ScanType::kFunctionalIo);
}

TEST(FunctionalIoScannerTest, BenignOnnxPassesAndReportsItsSignature) {
  const ScanOutcome outcome = Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx));
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_THAT(outcome.summary, HasSubstr("ONNX checker"));
  ASSERT_TRUE(outcome.io_signature.has_value());
  EXPECT_EQ(nlohmann::json::parse(*outcome.io_signature), nlohmann::json::parse(R"({
      "inputs": [{"name": "input", "dtype": "float32", "shape": [-1, 4],
                  "dim_names": ["batch", null]}],
      "outputs": [{"name": "output", "dtype": "float32", "shape": [-1, 2],
                   "dim_names": ["batch", null]}]})"));
  const auto details = nlohmann::json::parse(outcome.details);
  EXPECT_EQ(details["inputs"], 1);
  EXPECT_EQ(details["outputs"], 1);
  const auto report = nlohmann::json::parse(outcome.report);
  EXPECT_EQ(report["checks"][0], "onnx_checker");
  EXPECT_EQ(report["generated_inputs"][0]["shape"], nlohmann::json::parse("[1, 4]"));
}

TEST(FunctionalIoScannerTest, AMatchingDeclaredSignaturePasses) {
  const ScanOutcome outcome = Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx, R"({
      "io_signature": {"inputs": [{"name": "input", "dtype": "float32", "shape": [3, 4]}],
                       "outputs": [{"name": "output", "dtype": "float32", "shape": [-1, 2]}]}})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  const auto report = nlohmann::json::parse(outcome.report);
  EXPECT_EQ(report["generated_inputs"][0]["shape"], nlohmann::json::parse("[3, 4]"));
  EXPECT_EQ(report["declared_signature_compared"], true);
}

TEST(FunctionalIoScannerTest, DynamicDimSizeComesFromTheParameters) {
  const ScanOutcome outcome =
      Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx, R"({"dynamic_dim_size": 6})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  const auto report = nlohmann::json::parse(outcome.report);
  EXPECT_EQ(report["generated_inputs"][0]["shape"], nlohmann::json::parse("[6, 4]"));
}

TEST(FunctionalIoScannerTest, ADeclaredSignatureMismatchFailsNamingIt) {
  const ScanOutcome outcome = Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx, R"({
      "io_signature": {"outputs": [{"name": "output", "dtype": "int64", "shape": [-1, 3]}]}})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("does not match parameters.io_signature"));
  EXPECT_THAT(outcome.summary, HasSubstr("output 0 'output': declared dtype int64"));
  EXPECT_THAT(outcome.summary, HasSubstr("and 1 more"));
  EXPECT_FALSE(outcome.io_signature.has_value()) << "a failed scan stores no signature";
  const auto details = nlohmann::json::parse(outcome.details);
  ASSERT_EQ(details["mismatches"].size(), 2u);
  EXPECT_EQ(details["mismatches"][1],
            "output 0 'output': declared shape [-1, 3], observed [-1, 2]");
}

TEST(FunctionalIoScannerTest, OnnxInvalidForTheCheckerFailsWithItsMessage) {
  const ScanOutcome outcome =
      Scan(CorpusSubject("invalid_undefined_input.onnx", ModelFormat::kOnnx));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("ONNX checker"));
  EXPECT_THAT(outcome.summary, HasSubstr("topologically sorted"));
  EXPECT_FALSE(outcome.io_signature.has_value());
}

TEST(FunctionalIoScannerTest, AFileOfTheWrongFormatFails) {
  const ScanOutcome outcome = Scan(CorpusSubject("savedmodel_structure.zip", ModelFormat::kOnnx));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("not an ONNX model"));
}

TEST(FunctionalIoScannerTest, MalformedParametersFail) {
  const ScanOutcome outcome = Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOnnx,
                                                 R"({"io_signature": {"inputs": 3}})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("parameters.io_signature.inputs"));
}

TEST(FunctionalIoScannerTest, TorchScriptRunsWhenBuiltInAndIsSkippedOtherwise) {
  const ScanOutcome outcome = Scan(CorpusSubject(
      "tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript, kTorchscriptParameters));
  if (!runtime::HasTorchscriptRuntime()) {
    EXPECT_EQ(outcome.status, ValidationStatus::kSkipped);
    EXPECT_EQ(outcome.summary, "built without libtorch");
    return;
  }
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_THAT(outcome.summary, HasSubstr("libtorch"));
  ASSERT_TRUE(outcome.io_signature.has_value());
  EXPECT_EQ(nlohmann::json::parse(*outcome.io_signature), nlohmann::json::parse(R"({
      "inputs": [{"name": "x", "dtype": "float32", "shape": [1, 4]}],
      "outputs": [{"name": "output_0", "dtype": "float32", "shape": [1, 2]}]})"));
}

TEST(FunctionalIoScannerTest, TorchScriptWithoutDeclaredInputsFailsSayingWhatToDeclare) {
  if (!runtime::HasTorchscriptRuntime()) GTEST_SKIP() << "built without libtorch";
  const ScanOutcome outcome =
      Scan(CorpusSubject("tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("input 'x'"));
  EXPECT_THAT(outcome.summary, HasSubstr("parameters.io_signature"));
}

TEST(FunctionalIoScannerTest, TorchScriptTheModelRejectsFailsWithLibtorchsMessage) {
  if (!runtime::HasTorchscriptRuntime()) GTEST_SKIP() << "built without libtorch";
  const ScanOutcome outcome = Scan(CorpusSubject(
      "tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript,
      R"({"io_signature": {"inputs": [{"name": "x", "dtype": "float32", "shape": [1, 7]}]}})"));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("libtorch: "));
}

TEST(FunctionalIoScannerTest, AnOnnxFileUploadedAsTorchScriptFails) {
  if (!runtime::HasTorchscriptRuntime()) GTEST_SKIP() << "built without libtorch";
  const ScanOutcome outcome = Scan(CorpusSubject(
      "tiny_gemm_relu.onnx", ModelFormat::kPytorchTorchscript, kTorchscriptParameters));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("libtorch: "));
}

TEST(FunctionalIoScannerTest, SavedModelStructureIsAWarningSayingSo) {
  const ScanOutcome outcome =
      Scan(CorpusSubject("savedmodel_structure.zip", ModelFormat::kTensorflowSavedmodel));
  EXPECT_EQ(outcome.status, ValidationStatus::kWarning);
  EXPECT_THAT(outcome.summary, HasSubstr("only the structure was checked"));
  EXPECT_EQ(nlohmann::json::parse(outcome.details)["structure_only"], true);
  EXPECT_FALSE(outcome.io_signature.has_value());
}

TEST(FunctionalIoScannerTest, SavedModelWithoutVariablesFails) {
  const ScanOutcome outcome =
      Scan(CorpusSubject("savedmodel_missing_variables.zip", ModelFormat::kTensorflowSavedmodel));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("variables/"));
}

TEST(FunctionalIoScannerTest, SavedModelThatIsNoArchiveFails) {
  const ScanOutcome outcome =
      Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kTensorflowSavedmodel));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("not a zip or tar archive"));
}

TEST(FunctionalIoScannerTest, ContainersAndOtherAreSkippedWithAReason) {
  const ScanOutcome container =
      Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kCustomPythonContainer));
  EXPECT_EQ(container.status, ValidationStatus::kSkipped);
  EXPECT_THAT(container.summary, HasSubstr("CUSTOM_PYTHON_CONTAINER"));
  const ScanOutcome other = Scan(CorpusSubject("tiny_gemm_relu.onnx", ModelFormat::kOther));
  EXPECT_EQ(other.status, ValidationStatus::kSkipped);
  EXPECT_THAT(other.summary, HasSubstr("OTHER"));
}

TEST(FunctionalIoScannerTest, AMissingArtifactFails) {
  const ScanOutcome outcome = Scan(CorpusSubject("no_such_model.onnx", ModelFormat::kOnnx));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("cannot open"));
}

TEST(FunctionalIoScannerTest, OneScannerServesSeveralThreadsAtOnce) {
  FunctionalIoScanner scanner;
  const CorpusSubject onnx("tiny_gemm_relu.onnx", ModelFormat::kOnnx);
  const CorpusSubject torchscript("tiny_linear.torchscript.pt", ModelFormat::kPytorchTorchscript,
                                  kTorchscriptParameters);
  const ValidationStatus torchscript_expected =
      runtime::HasTorchscriptRuntime() ? ValidationStatus::kPassed : ValidationStatus::kSkipped;
  constexpr int kThreads = 8;
  constexpr int kRounds = 5;
  std::vector<int> as_expected(kThreads, 0);  // one slot per thread: no sharing
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const bool is_torchscript = i % 2 == 1;
      for (int round = 0; round < kRounds; ++round) {
        const ScanOutcome outcome = scanner.Scan((is_torchscript ? torchscript : onnx).subject());
        const ValidationStatus expected =
            is_torchscript ? torchscript_expected : ValidationStatus::kPassed;
        if (outcome.status == expected) ++as_expected[i];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(as_expected[i], kRounds) << "thread " << i;
}

}  // namespace
}  // namespace mlops::validation
