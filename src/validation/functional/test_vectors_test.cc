#include "validation/functional/test_vectors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace mlops::validation {
namespace {

using runtime::ElementType;
using runtime::Tensor;
using ::testing::HasSubstr;

Tensor Floats(const std::string& name, std::vector<std::int64_t> shape, std::vector<float> values) {
  Tensor tensor{name, ElementType::kFloat32, std::move(shape), {}};
  tensor.data.resize(values.size() * sizeof(float));
  std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

StatusOr<std::optional<TestVectorSet>> Parse(const std::string& text) {
  return ParseTestVectors(nlohmann::json::parse(text));
}

TEST(TestVectorsTest, NoneDeclaredIsNullopt) {
  auto vectors = Parse(R"({"license": "MIT"})");
  ASSERT_TRUE(vectors.ok());
  EXPECT_FALSE(vectors->has_value());
}

TEST(TestVectorsTest, ParsesNumbersAndBase64AlikeWithTheTolerance) {
  // 1.0f and 2.0f little-endian: 0000803f 00000040.
  auto vectors = Parse(R"({
      "test_vectors": [{"inputs": [{"name": "x", "dtype": "float32", "shape": [2],
                                    "data_base64": "AACAPwAAAEA="},
                                   {"name": "ids", "dtype": "int64", "shape": [1, 2],
                                    "data": [7, -3]},
                                   {"name": "mask", "dtype": "bool", "shape": [2],
                                    "data": [true, false]}],
                        "outputs": [{"name": "y", "dtype": "float32", "shape": [],
                                     "data": [0.5]}]}],
      "test_vector_tolerance": {"atol": 0.01, "rtol": 0}})");
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  ASSERT_TRUE(vectors->has_value());
  const TestVectorSet& set = **vectors;
  EXPECT_EQ(set.tolerance.atol, 0.01);
  EXPECT_EQ(set.tolerance.rtol, 0);
  ASSERT_EQ(set.vectors.size(), 1u);
  const TestVector& vector = set.vectors[0];
  ASSERT_EQ(vector.inputs.size(), 3u);
  float x[2];
  std::memcpy(x, vector.inputs[0].data.data(), sizeof(x));
  EXPECT_EQ(x[0], 1.0f);
  EXPECT_EQ(x[1], 2.0f);
  std::int64_t ids[2];
  std::memcpy(ids, vector.inputs[1].data.data(), sizeof(ids));
  EXPECT_EQ(ids[0], 7);
  EXPECT_EQ(ids[1], -3);
  EXPECT_EQ(vector.inputs[2].data, (std::vector<std::byte>{std::byte{1}, std::byte{0}}));
  EXPECT_TRUE(vector.expected_outputs[0].shape.empty());  // a scalar
}

TEST(TestVectorsTest, MalformedDeclarationsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"test_vectors": []})", "parameters.test_vectors must be a non-empty array"},
      {R"({"test_vectors": [{"inputs": [{"name": "x", "dtype": "float31", "shape": [1],
           "data": [1]}], "outputs": []}]})",
       "parameters.test_vectors[0].inputs[0].dtype"},
      {R"({"test_vectors": [{"inputs": [{"name": "x", "dtype": "float32", "shape": [2],
           "data": [1]}], "outputs": []}]})",
       "parameters.test_vectors[0].inputs[0].data holds 1 elements, its shape needs 2"},
      {R"({"test_vectors": [{"inputs": [], "outputs": [{"name": "y", "dtype": "int8",
           "shape": [1], "data": [300]}]}]})",
       "parameters.test_vectors[0].outputs[0].data[0] is not a int8 value"},
      {R"({"test_vectors": [{"inputs": [{"name": "x", "dtype": "float32", "shape": [1],
           "data_base64": "AACAPwAA"}], "outputs": []}]})",
       "data_base64 holds 6 bytes, its shape needs 4"},
      {R"({"test_vectors": [{"inputs": [{"name": "x", "dtype": "float32", "shape": [1],
           "data_base64": "!!!!"}], "outputs": []}]})",
       "data_base64 is not base64"},
      {R"({"test_vectors": [{"outputs": []}]})", "parameters.test_vectors[0].inputs must be"},
      {R"({"test_vectors": [{"inputs": [], "outputs": []}],
           "test_vector_tolerance": {"atol": -1}})",
       "parameters.test_vector_tolerance.atol must be a number >= 0"},
  };
  for (const auto& [text, message] : cases) {
    auto vectors = Parse(text);
    ASSERT_FALSE(vectors.ok()) << text;
    EXPECT_EQ(vectors.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(vectors.status().message(), HasSubstr(message)) << text;
  }
}

TEST(TestVectorsTest, RefusesVectorsBeyondTheByteBudget) {
  auto vectors = ParseTestVectors(
      nlohmann::json::parse(R"({"test_vectors": [{"inputs": [{"name": "x", "dtype": "float64",
          "shape": [1000000, 1000000], "data": []}], "outputs": []}]})"),
      1 << 20);
  ASSERT_FALSE(vectors.ok());
  EXPECT_THAT(vectors.status().message(), HasSubstr("larger than the test vectors may be"));
}

TEST(TestVectorsTest, OrdersInputsByTheModelsNames) {
  std::vector<runtime::TensorSpec> specs(2);
  specs[0].name = "a";
  specs[1].name = "b";
  auto ordered = OrderInputs(specs, {Floats("b", {1}, {2}), Floats("a", {1}, {1})});
  ASSERT_TRUE(ordered.ok());
  EXPECT_EQ((*ordered)[0].name, "a");
  EXPECT_EQ((*ordered)[1].name, "b");
  EXPECT_THAT(OrderInputs(specs, {Floats("a", {1}, {1})}).status().message(),
              HasSubstr("no value for the model's input 'b'"));
  EXPECT_THAT(
      OrderInputs(specs, {Floats("a", {1}, {1}), Floats("b", {1}, {1}), Floats("c", {1}, {1})})
          .status()
          .message(),
      HasSubstr("gives input 'c', which the model does not take"));
}

TEST(TestVectorsTest, ComparesWithinAtolPlusRtol) {
  const Tolerance tolerance{.atol = 0.01, .rtol = 0.1};
  const auto same = CompareOutputs({Floats("y", {3}, {1, 10, -5})},
                                   {Floats("y", {3}, {1.005f, 10.9f, -5.4f})}, tolerance);
  ASSERT_EQ(same.size(), 1u);
  EXPECT_TRUE(same[0].matches) << same[0].mismatch;
  EXPECT_NEAR(same[0].max_abs_error, 0.9, 1e-5);

  const auto off = CompareOutputs({Floats("y", {3}, {1, 10, -5})},
                                  {Floats("y", {3}, {1, 11.2f, -5})}, tolerance);
  EXPECT_FALSE(off[0].matches);
  EXPECT_THAT(off[0].mismatch, HasSubstr("output 'y' element 1: expected 10, got 11.2"));
}

TEST(TestVectorsTest, NamesMissingOutputsTypesShapesAndNaN) {
  const Tolerance tolerance;
  EXPECT_THAT(CompareOutputs({Floats("y", {1}, {1})}, {}, tolerance)[0].mismatch,
              HasSubstr("output 'y': the model has no such output"));
  EXPECT_THAT(
      CompareOutputs({Floats("y", {2}, {1, 2})}, {Floats("y", {1, 2}, {1, 2})}, tolerance)[0]
          .mismatch,
      HasSubstr("expected shape [2], got [1, 2]"));
  Tensor ints = Floats("y", {1}, {0});
  ints.type = ElementType::kInt32;
  EXPECT_THAT(CompareOutputs({Floats("y", {1}, {0})}, {ints}, tolerance)[0].mismatch,
              HasSubstr("expected dtype float32, got int32"));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(
      CompareOutputs({Floats("y", {1}, {nan})}, {Floats("y", {1}, {nan})}, tolerance)[0].matches);
  EXPECT_FALSE(
      CompareOutputs({Floats("y", {1}, {1})}, {Floats("y", {1}, {nan})}, tolerance)[0].matches);
}

TEST(TestVectorsTest, IntegerOutputsMustBeExact) {
  auto vectors = Parse(R"({"test_vectors": [{"inputs": [], "outputs": [
      {"name": "classes", "dtype": "int64", "shape": [2], "data": [4, 7]}]}]})");
  ASSERT_TRUE(vectors.ok());
  const Tensor& expected = (*vectors)->vectors[0].expected_outputs[0];
  Tensor actual = expected;
  EXPECT_TRUE(CompareOutputs({expected}, {actual}, {.atol = 5, .rtol = 5})[0].matches);
  actual.data[8] = std::byte{8};  // element 1: 7 -> 8
  EXPECT_THAT(CompareOutputs({expected}, {actual}, {.atol = 5, .rtol = 5})[0].mismatch,
              HasSubstr("element 1: expected 7, got 8"));
}

TEST(TestVectorsTest, SixtyFourBitIntegersCompareExactlyBeyondDoublePrecision) {
  // 2^63 - 1 and 2^63 - 2 are the same double.
  auto vectors = Parse(R"({"test_vectors": [{"inputs": [], "outputs": [
      {"name": "y", "dtype": "int64", "shape": [1], "data": [9223372036854775807]}]}]})");
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  const Tensor& expected = (*vectors)->vectors[0].expected_outputs[0];
  Tensor actual = expected;
  actual.data[0] = std::byte{0xfe};
  EXPECT_FALSE(CompareOutputs({expected}, {actual}, {})[0].matches);
}

TEST(TestVectorsTest, Float16IsComparedByValue) {
  // 1.0 and -2.5 as float16: 0x3c00, 0xc100.
  auto vectors = Parse(R"({"test_vectors": [{"inputs": [], "outputs": [
      {"name": "y", "dtype": "float16", "shape": [2], "data_base64": "ADwAwQ=="}]}]})");
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  const Tensor& expected = (*vectors)->vectors[0].expected_outputs[0];
  Tensor actual = expected;
  actual.data[3] = std::byte{0xc2};  // -2.5 -> -3.0
  const auto compared = CompareOutputs({expected}, {actual}, {.atol = 0.1, .rtol = 0});
  EXPECT_THAT(compared[0].mismatch, HasSubstr("element 1: expected -2.5, got -3"));
}

}  // namespace
}  // namespace mlops::validation
