#include "validation/functional/signature_match.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mlops::validation {
namespace {

using runtime::ElementType;
using runtime::IoSignature;
using runtime::kDynamicDim;
using runtime::TensorSpec;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TensorSpec Spec(std::string name, ElementType type,
                std::optional<std::vector<std::int64_t>> shape) {
  TensorSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.shape = std::move(shape);
  return spec;
}

DeclaredSignature Declared(const std::string& json) {
  auto declared = ParseDeclaredSignature(nlohmann::json::parse(json));
  EXPECT_TRUE(declared.ok()) << declared.status().ToString();
  return declared.ok() ? *declared : DeclaredSignature{};
}

const IoSignature kObserved{.inputs = {Spec("input", ElementType::kFloat32, {{kDynamicDim, 4}})},
                            .outputs = {Spec("output", ElementType::kFloat32, {{kDynamicDim, 2}})}};

TEST(SignatureMatchTest, DynamicDimsMatchAnySize) {
  EXPECT_THAT(FindSignatureMismatches(Declared(R"({
      "inputs": [{"name": "input", "dtype": "float32", "shape": [8, 4]}],
      "outputs": [{"name": "output", "dtype": "float32", "shape": [-1, 2]}]})"),
                                      kObserved),
              ElementsAre());
}

TEST(SignatureMatchTest, ALeftOutListOrFieldIsNotCompared) {
  EXPECT_THAT(FindSignatureMismatches(Declared(R"({"inputs": [{"name": "input"}]})"), kObserved),
              ElementsAre());
  EXPECT_THAT(FindSignatureMismatches(Declared("{}"), kObserved), ElementsAre());
}

TEST(SignatureMatchTest, NamesEachMismatch) {
  const auto mismatches = FindSignatureMismatches(Declared(R"({
      "inputs": [{"name": "image", "dtype": "int64", "shape": [1, 3]}],
      "outputs": [{"name": "output", "shape": [1, 2, 1]}]})"),
                                                  kObserved);
  EXPECT_THAT(mismatches,
              ElementsAre("input 0 'input': declared name 'image'",
                          "input 0 'input': declared dtype int64, observed float32",
                          "input 0 'input': declared shape [1, 3], observed [-1, 4]",
                          "output 0 'output': declared shape [1, 2, 1], observed [-1, 2]"));
}

TEST(SignatureMatchTest, CountsMustAgree) {
  EXPECT_THAT(FindSignatureMismatches(
                  Declared(R"({"outputs": [{"name": "output"}, {"name": "extra"}]})"), kObserved),
              ElementsAre("outputs: declared 2, observed 1"));
}

TEST(SignatureMatchTest, UnknownObservedTypeAndRankMatchAnything) {
  const IoSignature torchscript{.inputs = {Spec("x", ElementType::kUnknown, std::nullopt)},
                                .outputs = {}};
  EXPECT_THAT(
      FindSignatureMismatches(
          Declared(R"({"inputs": [{"name": "x", "dtype": "int32", "shape": [2]}]})"), torchscript),
      ElementsAre());
}

TEST(SignatureMatchTest, ResolvesWhatTheModelLeavesOpenFromTheDeclaration) {
  const std::vector<TensorSpec> model = {Spec("x", ElementType::kUnknown, std::nullopt),
                                         Spec("y", ElementType::kFloat32, {{kDynamicDim, 3}})};
  auto resolved = ResolveInputSpecs(model, Declared(R"({"inputs": [
      {"name": "x", "dtype": "int64", "shape": [2, 5]},
      {"name": "y", "dtype": "float32", "shape": [7, 3]}]})"));
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ((*resolved)[0], Spec("x", ElementType::kInt64, {{2, 5}}));
  EXPECT_EQ((*resolved)[1], Spec("y", ElementType::kFloat32, {{7, 3}}));
}

TEST(SignatureMatchTest, DynamicDimsWithoutADeclarationStayDynamic) {
  auto resolved = ResolveInputSpecs(kObserved.inputs, DeclaredSignature{});
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ((*resolved)[0], kObserved.inputs[0]);
}

TEST(SignatureMatchTest, AnInputWithoutShapeOrTypeCannotBeResolved) {
  auto resolved = ResolveInputSpecs({Spec("x", ElementType::kUnknown, std::nullopt)},
                                    Declared(R"({"inputs": [{"name": "x", "shape": [1, 4]}]})"));
  ASSERT_FALSE(resolved.ok());
  EXPECT_THAT(resolved.status().message(), HasSubstr("'x'"));
  EXPECT_THAT(resolved.status().message(), HasSubstr("parameters.io_signature"));
}

TEST(SignatureMatchTest, ObservedSignatureFillsUnknownsFromInputsAndRunOutputs) {
  const IoSignature model{.inputs = {Spec("x", ElementType::kUnknown, std::nullopt)},
                          .outputs = {Spec("output_0", ElementType::kUnknown, std::nullopt)}};
  runtime::Tensor output;
  output.name = "output_0";
  output.type = ElementType::kFloat32;
  output.shape = {2, 2};
  const IoSignature observed =
      ObservedSignature(model, {Spec("x", ElementType::kFloat32, {{2, 4}})}, {output});
  EXPECT_EQ(observed.inputs[0], Spec("x", ElementType::kFloat32, {{2, 4}}));
  EXPECT_EQ(observed.outputs[0], Spec("output_0", ElementType::kFloat32, {{2, 2}}));
}

TEST(SignatureMatchTest, ObservedSignatureKeepsDeclaredDynamicDims) {
  runtime::Tensor output;
  output.name = "output";
  output.type = ElementType::kFloat32;
  output.shape = {5, 2};
  const IoSignature observed =
      ObservedSignature(kObserved, {Spec("input", ElementType::kFloat32, {{5, 4}})}, {output});
  EXPECT_EQ(observed, kObserved);
}

TEST(IoSignatureJsonTest, RoundTripsThroughTheDeclaredForm) {
  const IoSignature signature{.inputs = {Spec("x", ElementType::kUnknown, std::nullopt)},
                              .outputs = {Spec("y", ElementType::kInt64, {{kDynamicDim, 3}})}};
  const nlohmann::json json = IoSignatureToJson(signature);
  EXPECT_EQ(json["inputs"][0]["dtype"], "unknown");
  EXPECT_TRUE(json["inputs"][0]["shape"].is_null());
  EXPECT_EQ(json["outputs"][0]["shape"], nlohmann::json::parse("[-1, 3]"));
  auto declared = ParseDeclaredSignature(json);
  ASSERT_TRUE(declared.ok()) << declared.status().ToString();
  EXPECT_EQ(declared->inputs, signature.inputs);
  EXPECT_EQ(declared->outputs, signature.outputs);
}

TEST(IoSignatureJsonTest, MalformedDeclarationsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([])", "parameters.io_signature must be an object"},
      {R"({"inputs": {}})", "parameters.io_signature.inputs must be an array"},
      {R"({"inputs": [{"dtype": "float32"}]})", "parameters.io_signature.inputs[0].name"},
      {R"({"outputs": [{"name": "y", "dtype": "float"}]})", "outputs[0].dtype"},
      {R"({"inputs": [{"name": "x", "shape": [1, -2]}]})", "inputs[0].shape"},
      {R"({"inputs": [{"name": "x", "shape": [1.5]}]})", "inputs[0].shape"},
      {R"({"inputs": [{"name": "x", "shape": "1x4"}]})", "inputs[0].shape"},
  };
  for (const auto& [json, expected] : cases) {
    auto declared = ParseDeclaredSignature(nlohmann::json::parse(json));
    ASSERT_FALSE(declared.ok()) << json;
    EXPECT_EQ(declared.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(declared.status().message(), HasSubstr(expected)) << json;
  }
}

}  // namespace
}  // namespace mlops::validation
