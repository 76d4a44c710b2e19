// functional_io over the ONNX coverage corpus (tests/corpus/onnx_models/): each model, uploaded
// with its recorded PyTorch outputs as parameters.test_vectors, passes; a version whose declared
// outputs are not what the model computes fails naming the output and the error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "validation/functional/functional_corpus_test_util.h"
#include "validation/functional/functional_io_scanner.h"
#include "validation/functional/test_vectors.h"

namespace mlops::validation {
namespace {

using testing::CorpusSubject;
using ::testing::HasSubstr;
using testing::OnnxCorpusModel;
using testing::OnnxCorpusModels;
using testing::OnnxModelCorpus;
using testing::ReadTextFile;

ScanOutcome ScanCorpusModel(const std::string& model_file, const std::string& parameters) {
  const CorpusSubject corpus(model_file, ModelFormat::kOnnx, parameters,
                             OnnxModelCorpus(model_file));
  return FunctionalIoScanner().Scan(corpus.subject());
}

class FunctionalIoCorpusTest : public ::testing::TestWithParam<OnnxCorpusModel> {};

TEST_P(FunctionalIoCorpusTest, PassesWithItsRecordedOutputs) {
  const OnnxCorpusModel& model = GetParam();
  const std::string parameters = ReadTextFile(OnnxModelCorpus(model.vectors_file));
  const ScanOutcome outcome = ScanCorpusModel(model.model_file, parameters);
  ASSERT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_THAT(outcome.summary, HasSubstr("ONNX Runtime"));
  EXPECT_THAT(outcome.summary, HasSubstr(model.dynamic ? "matched the expected outputs of 2 test "
                                                         "vectors"
                                                       : "matched the expected outputs of 1 test "
                                                         "vector"));
  const auto details = nlohmann::json::parse(outcome.details);
  EXPECT_EQ(details["wrong_outputs"], nlohmann::json::array());
  const auto report = nlohmann::json::parse(outcome.report);
  ASSERT_EQ(report["test_vector_results"].size(), model.dynamic ? 2u : 1u);
  for (const auto& vector : report["test_vector_results"]) {
    for (const auto& output : vector["outputs"]) EXPECT_EQ(output["matches"], true) << output;
  }
  ASSERT_TRUE(outcome.io_signature.has_value());
  const auto signature = nlohmann::json::parse(*outcome.io_signature);
  EXPECT_FALSE(signature["inputs"].empty());
  EXPECT_FALSE(signature["outputs"].empty());
}

INSTANTIATE_TEST_SUITE_P(Corpus, FunctionalIoCorpusTest, ::testing::ValuesIn(OnnxCorpusModels()),
                         [](const ::testing::TestParamInfo<OnnxCorpusModel>& info) {
                           return info.param.name;
                         });

// The corpus ResNet's vectors with expected logit `index` moved by `delta`, declared as numbers
// ("data") rather than base64.
std::string ResnetVectorsWithLogitMovedBy(std::size_t index, float delta) {
  auto parameters = nlohmann::json::parse(ReadTextFile(OnnxModelCorpus("resnet18.vectors.json")));
  auto vectors = ParseTestVectors(parameters);
  EXPECT_TRUE(vectors.ok()) << vectors.status().ToString();
  const runtime::Tensor& expected = (*vectors)->vectors[0].expected_outputs[0];
  const auto* values = reinterpret_cast<const float*>(expected.data.data());
  nlohmann::json data = nlohmann::json::array();
  for (std::size_t i = 0; i < expected.data.size() / sizeof(float); ++i) {
    data.push_back(values[i] + (i == index ? delta : 0.0f));
  }
  nlohmann::json& logits = parameters["test_vectors"][0]["outputs"][0];
  logits.erase("data_base64");
  logits["data"] = data;
  return parameters.dump();
}

TEST(FunctionalIoCorpusNegativeTest, ADeclaredOutputTheModelDoesNotGiveFailsNamingIt) {
  const ScanOutcome outcome =
      ScanCorpusModel("resnet18.onnx", ResnetVectorsWithLogitMovedBy(3, 0.5f));
  ASSERT_EQ(outcome.status, ValidationStatus::kFailed) << outcome.summary;
  EXPECT_THAT(outcome.summary,
              HasSubstr("wrong numbers: test vector 0: output 'logits' element 3"));
  EXPECT_THAT(outcome.summary, HasSubstr("|error| 0.5"));
  const auto details = nlohmann::json::parse(outcome.details);
  ASSERT_EQ(details["wrong_outputs"].size(), 1u);
  const auto report = nlohmann::json::parse(outcome.report);
  EXPECT_EQ(report["test_vector_results"][0]["outputs"][0]["matches"], false);
  EXPECT_NEAR(report["test_vector_results"][0]["outputs"][0]["max_abs_error"].get<double>(), 0.5,
              1e-3);
  EXPECT_FALSE(outcome.io_signature.has_value());
}

TEST(FunctionalIoCorpusNegativeTest, AnErrorWithinTheToleranceStillPasses) {
  const ScanOutcome outcome =
      ScanCorpusModel("resnet18.onnx", ResnetVectorsWithLogitMovedBy(3, 1e-5f));
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
}

TEST(FunctionalIoCorpusNegativeTest, ADynamicModelFailsAtTheShapeWhereItIsWrong) {
  auto parameters =
      nlohmann::json::parse(ReadTextFile(OnnxModelCorpus("vae_decoder.vectors.json")));
  // The second vector (batch 2, 6x10 latent) expects the first vector's image: wrong shape.
  parameters["test_vectors"][1]["outputs"] = parameters["test_vectors"][0]["outputs"];
  const ScanOutcome outcome = ScanCorpusModel("vae_decoder.onnx", parameters.dump());
  ASSERT_EQ(outcome.status, ValidationStatus::kFailed) << outcome.summary;
  EXPECT_THAT(outcome.summary, HasSubstr("test vector 1: output 'image': expected shape "
                                         "[1, 3, 32, 32], got [2, 3, 24, 40]"));
}

TEST(FunctionalIoCorpusNegativeTest, AVectorMissingAnInputFailsNamingIt) {
  auto parameters =
      nlohmann::json::parse(ReadTextFile(OnnxModelCorpus("masked_encoder.vectors.json")));
  parameters["test_vectors"][0]["inputs"].erase(1);
  const ScanOutcome outcome = ScanCorpusModel("masked_encoder.onnx", parameters.dump());
  ASSERT_EQ(outcome.status, ValidationStatus::kFailed) << outcome.summary;
  EXPECT_THAT(outcome.summary, HasSubstr("parameters.test_vectors[0]: the test vector has no "
                                         "value for the model's input 'padding_mask'"));
}

TEST(FunctionalIoNewerModelTest, AModelNewerThanLibonnxIsJudgedByOnnxRuntimeAndSaysSo) {
  const ScanOutcome outcome =
      ScanCorpusModel("newer_exporter_opset19.onnx",
                      ReadTextFile(OnnxModelCorpus("newer_exporter_opset19.vectors.json")));
  ASSERT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_THAT(outcome.summary,
              HasSubstr("loaded into ONNX Runtime (libonnx 1.12 did not check the model: IR "
                        "version 9 is newer than libonnx's 8) and matched the expected outputs"));
  const auto report = nlohmann::json::parse(outcome.report);
  EXPECT_EQ(report["checks"][0], "onnxruntime_session");
  ASSERT_EQ(report["load_notes"].size(), 1u);
}

}  // namespace
}  // namespace mlops::validation
