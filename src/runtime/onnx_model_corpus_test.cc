// The ONNX coverage corpus through the runtime port: every model exported from PyTorch loads
// into ONNX Runtime and, at each recorded input shape, gives PyTorch's outputs within the
// tolerance its vectors declare.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/onnx_model_runtime.h"
#include "validation/functional/functional_corpus_test_util.h"
#include "validation/functional/test_vectors.h"

namespace mlops::runtime {
namespace {

using validation::testing::OnnxCorpusModel;
using validation::testing::OnnxCorpusModels;
using validation::testing::OnnxModelCorpus;
using validation::testing::ReadTextFile;

class OnnxModelCorpusTest : public ::testing::TestWithParam<OnnxCorpusModel> {};

TEST(OnnxModelCorpusManifestTest, ListsTheWholeCorpus) {
  const std::vector<OnnxCorpusModel> models = OnnxCorpusModels();
  EXPECT_GE(models.size(), 29u);
  EXPECT_GE(std::count_if(models.begin(), models.end(), [](const auto& m) { return m.dynamic; }),
            10);
}

TEST_P(OnnxModelCorpusTest, LoadsRunsAndMatchesPyTorch) {
  const OnnxCorpusModel& corpus = GetParam();
  const nlohmann::json parameters =
      nlohmann::json::parse(ReadTextFile(OnnxModelCorpus(corpus.vectors_file)));
  auto vectors = validation::ParseTestVectors(parameters);
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  ASSERT_TRUE(vectors->has_value());
  // Dynamic models are checked at two shapes, the exported one and another.
  EXPECT_EQ((*vectors)->vectors.size(), corpus.dynamic ? 2u : 1u);

  OnnxModelRuntime runtime;
  auto model = runtime.Load(OnnxModelCorpus(corpus.model_file));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const IoSignature& signature = (*model)->signature();
  ASSERT_FALSE(signature.inputs.empty());
  const bool declares_dynamic_dims =
      std::any_of(signature.inputs.begin(), signature.inputs.end(), [](const TensorSpec& spec) {
        return spec.shape && std::count(spec.shape->begin(), spec.shape->end(), kDynamicDim) > 0;
      });
  EXPECT_EQ(declares_dynamic_dims, corpus.dynamic) << "the session's metadata";
  if (corpus.name == "resnet18_dynamic") {
    EXPECT_EQ(signature.inputs[0].dim_names,
              (std::vector<std::string>{"batch", "", "height", "width"}));
  }

  for (std::size_t i = 0; i < (*vectors)->vectors.size(); ++i) {
    const validation::TestVector& vector = (*vectors)->vectors[i];
    auto inputs = validation::OrderInputs(signature.inputs, vector.inputs);
    ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
    auto outputs = (*model)->Run(*inputs);
    ASSERT_TRUE(outputs.ok()) << "vector " << i << ": " << outputs.status().ToString();
    ASSERT_EQ(outputs->size(), signature.outputs.size());
    double max_error = 0;
    for (const validation::OutputComparison& comparison :
         validation::CompareOutputs(vector.expected_outputs, *outputs, (*vectors)->tolerance)) {
      EXPECT_TRUE(comparison.matches) << "vector " << i << ": " << comparison.mismatch;
      max_error = std::max(max_error, comparison.max_abs_error);
    }
    RecordProperty("max_abs_error_vector_" + std::to_string(i), fmt::format("{:.3g}", max_error));
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, OnnxModelCorpusTest, ::testing::ValuesIn(OnnxCorpusModels()),
                         [](const ::testing::TestParamInfo<OnnxCorpusModel>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace mlops::runtime
