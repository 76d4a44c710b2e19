// Through the factory, as the service reaches it: the adapter lives in its own module.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "runtime/input_generator.h"
#include "runtime/runtime_factory.h"
#include "validation/functional/functional_corpus_test_util.h"

namespace mlops::runtime {
namespace {

using ::testing::HasSubstr;
using validation::testing::FunctionalCorpus;

TensorSpec Float32Input(std::vector<std::int64_t> shape) {
  TensorSpec spec;
  spec.name = "x";
  spec.type = ElementType::kFloat32;
  spec.shape = std::move(shape);
  return spec;
}

class TorchscriptModelRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto runtime = MakeModelRuntime(ModelFormat::kPytorchTorchscript);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
  }

  std::unique_ptr<ModelRuntime> runtime_;
};

TEST_F(TorchscriptModelRuntimeTest, NamesArgumentsButKnowsNoTypesOrShapes) {
  auto model = runtime_->Load(FunctionalCorpus("tiny_linear.torchscript.pt"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const IoSignature& signature = (*model)->signature();
  ASSERT_EQ(signature.inputs.size(), 1u);
  EXPECT_EQ(signature.inputs[0].name, "x");
  EXPECT_EQ(signature.inputs[0].type, ElementType::kUnknown);
  EXPECT_FALSE(signature.inputs[0].shape.has_value());
  ASSERT_EQ(signature.outputs.size(), 1u);
  EXPECT_EQ(signature.outputs[0].name, "output_0");
}

TEST_F(TorchscriptModelRuntimeTest, RunsOnGeneratedInputs) {
  auto model = runtime_->Load(FunctionalCorpus("tiny_linear.torchscript.pt"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto inputs = GenerateInputs({Float32Input({2, 4})}, {});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  auto outputs = (*model)->Run(*inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 1u);
  EXPECT_EQ((*outputs)[0].type, ElementType::kFloat32);
  EXPECT_EQ((*outputs)[0].shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ((*outputs)[0].data.size(), 2 * 2 * sizeof(float));
}

TEST_F(TorchscriptModelRuntimeTest, AShapeTheModelRejectsFailsWithLibtorchsMessage) {
  auto model = runtime_->Load(FunctionalCorpus("tiny_linear.torchscript.pt"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto inputs = GenerateInputs({Float32Input({1, 5})}, {});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  auto outputs = (*model)->Run(*inputs);
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(outputs.status().message(), HasSubstr("libtorch: "));
  EXPECT_THAT(outputs.status().message(), HasSubstr("shapes cannot be multiplied"));
}

TEST_F(TorchscriptModelRuntimeTest, FailsAFileThatIsNotTorchScript) {
  auto model = runtime_->Load(FunctionalCorpus("tiny_gemm_relu.onnx"));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(), HasSubstr("libtorch: "));
}

TEST_F(TorchscriptModelRuntimeTest, MissingFileIsNotFound) {
  auto model = runtime_->Load(FunctionalCorpus("no_such_model.pt"));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace mlops::runtime
