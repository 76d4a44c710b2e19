#include "runtime/onnx_model_runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "runtime/input_generator.h"
#include "validation/functional/functional_corpus_test_util.h"

namespace mlops::runtime {
namespace {

using ::testing::HasSubstr;
using validation::testing::FunctionalCorpus;

TEST(OnnxModelRuntimeTest, DescribesTheCheckedModelWithDynamicDims) {
  OnnxModelRuntime runtime;
  auto model = runtime.Load(FunctionalCorpus("tiny_gemm_relu.onnx"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  // Shapes and symbolic dimension names as the session's metadata gives them.
  const IoSignature expected{.inputs = {{.name = "input",
                                         .type = ElementType::kFloat32,
                                         .shape = {{kDynamicDim, 4}},
                                         .dim_names = {"batch", ""}}},
                             .outputs = {{.name = "output",
                                          .type = ElementType::kFloat32,
                                          .shape = {{kDynamicDim, 2}},
                                          .dim_names = {"batch", ""}}}};
  EXPECT_EQ((*model)->signature(), expected);
}

TEST(OnnxModelRuntimeTest, RunsOnGeneratedInputsOfAnyBatchSize) {
  OnnxModelRuntime runtime;
  auto model = runtime.Load(FunctionalCorpus("tiny_gemm_relu.onnx"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto inputs = GenerateInputs((*model)->signature().inputs, {.dynamic_dim_size = 3});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  auto outputs = (*model)->Run(*inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 1u);
  const Tensor& output = (*outputs)[0];
  EXPECT_EQ(output.name, "output");
  EXPECT_EQ(output.type, ElementType::kFloat32);
  EXPECT_EQ(output.shape, (std::vector<std::int64_t>{3, 2}));
  ASSERT_EQ(output.data.size(), 3 * 2 * sizeof(float));
  const auto* values = reinterpret_cast<const float*>(output.data.data());
  for (int i = 0; i < 6; ++i) EXPECT_GE(values[i], 0.0f) << "Relu output " << i;
}

TEST(OnnxModelRuntimeTest, RejectsTheWrongNumberOfInputs) {
  OnnxModelRuntime runtime;
  auto model = runtime.Load(FunctionalCorpus("tiny_gemm_relu.onnx"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto outputs = (*model)->Run({});
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), StatusCode::kInvalidArgument);
}

TEST(OnnxModelRuntimeTest, FailsAModelTheCheckerRejectsWithItsMessage) {
  OnnxModelRuntime runtime;
  auto model = runtime.Load(FunctionalCorpus("invalid_undefined_input.onnx"));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(), HasSubstr("ONNX checker"));
  EXPECT_THAT(model.status().message(), HasSubstr("undefined_tensor"));
}

TEST(OnnxModelRuntimeTest, FailsBytesThatAreNotAModel) {
  const std::filesystem::path file =
      std::filesystem::path(::testing::TempDir()) / "not_a_model.onnx";
  std::ofstream(file, std::ios::binary) << "\xff\xff\xff\xff garbage";
  OnnxModelRuntime runtime;
  auto model = runtime.Load(file);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(), HasSubstr("not an ONNX model"));
}

TEST(OnnxModelRuntimeTest, LoadsThePinnedOnnxRuntime) {
  auto version = LoadOnnxRuntime({});
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, "1.30.0");
}

TEST(OnnxModelRuntimeTest, SessionOptionsComeFromTheSettings) {
  for (const char* level : {"disable", "basic", "extended", "all"}) {
    OnnxRuntimeSettings settings;
    settings.intra_op_threads = 1;
    settings.inter_op_threads = 2;
    settings.graph_optimization_level = level;
    settings.cpu_memory_arena = false;
    OnnxModelRuntime runtime(settings);
    auto model = runtime.Load(FunctionalCorpus("tiny_gemm_relu.onnx"));
    ASSERT_TRUE(model.ok()) << level << ": " << model.status().ToString();
    auto inputs = GenerateInputs((*model)->signature().inputs, {.dynamic_dim_size = 2});
    ASSERT_TRUE(inputs.ok());
    auto outputs = (*model)->Run(*inputs);
    ASSERT_TRUE(outputs.ok()) << level << ": " << outputs.status().ToString();
    EXPECT_EQ((*outputs)[0].shape, (std::vector<std::int64_t>{2, 2}));
  }
}

TEST(OnnxModelRuntimeTest, RejectsAnUnknownOptimisationLevel) {
  OnnxRuntimeSettings settings;
  settings.graph_optimization_level = "maximal";
  OnnxModelRuntime runtime(settings);
  auto model = runtime.Load(FunctionalCorpus("tiny_gemm_relu.onnx"));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(), HasSubstr("'maximal'"));
}

TEST(OnnxModelRuntimeTest, RejectsInputsOfTheWrongTypeOrSize) {
  OnnxModelRuntime runtime;
  auto model = runtime.Load(FunctionalCorpus("tiny_gemm_relu.onnx"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto inputs = GenerateInputs((*model)->signature().inputs, {.dynamic_dim_size = 1});
  ASSERT_TRUE(inputs.ok());
  Tensor truncated = (*inputs)[0];
  truncated.data.pop_back();
  auto outputs = (*model)->Run({truncated});
  ASSERT_FALSE(outputs.ok());
  EXPECT_THAT(outputs.status().message(), HasSubstr("holds 15 bytes, its shape needs 16"));
  Tensor as_int = (*inputs)[0];
  as_int.type = ElementType::kInt32;
  outputs = (*model)->Run({as_int});
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(outputs.status().message(), HasSubstr("ONNX Runtime"));
}

TEST(OnnxModelRuntimeTest, RefusesExternalDataRatherThanLookingForIt) {
  OnnxModelRuntime runtime;
  auto model = runtime.Load(std::filesystem::path(MLOPS_SOURCE_DIR) /
                            "tests/corpus/security/benign/external_inside.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(), HasSubstr("external data is not supported"));
}

TEST(OnnxModelRuntimeTest, MissingFileIsNotFound) {
  OnnxModelRuntime runtime;
  auto model = runtime.Load(FunctionalCorpus("no_such_model.onnx"));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace mlops::runtime
