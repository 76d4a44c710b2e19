#include "runtime/input_generator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace mlops::runtime {
namespace {

using ::testing::HasSubstr;

TensorSpec Spec(ElementType type, std::optional<std::vector<std::int64_t>> shape) {
  TensorSpec spec;
  spec.name = "in";
  spec.type = type;
  spec.shape = std::move(shape);
  return spec;
}

TEST(InputGeneratorTest, DynamicDimsTakeTheConfiguredSize) {
  auto inputs =
      GenerateInputs({Spec(ElementType::kFloat32, {{kDynamicDim, 4}})}, {.dynamic_dim_size = 5});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].shape, (std::vector<std::int64_t>{5, 4}));
  EXPECT_EQ((*inputs)[0].data.size(), 5 * 4 * sizeof(float));
}

TEST(InputGeneratorTest, SameSeedSameValuesOtherSeedOtherValues) {
  const std::vector<TensorSpec> specs = {Spec(ElementType::kFloat32, {{16}})};
  auto a = GenerateInputs(specs, {.seed = 7});
  auto b = GenerateInputs(specs, {.seed = 7});
  auto c = GenerateInputs(specs, {.seed = 8});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ((*a)[0].data, (*b)[0].data);
  EXPECT_NE((*a)[0].data, (*c)[0].data);
}

TEST(InputGeneratorTest, ValuesFitTheirElementType) {
  auto inputs =
      GenerateInputs({Spec(ElementType::kFloat32, {{64}}), Spec(ElementType::kInt64, {{64}}),
                      Spec(ElementType::kBool, {{64}}), Spec(ElementType::kFloat16, {{64}})},
                     {});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  for (int i = 0; i < 64; ++i) {
    float f;
    std::memcpy(&f, (*inputs)[0].data.data() + i * 4, 4);
    EXPECT_GE(f, 0.0f);
    EXPECT_LT(f, 1.0f);
    std::int64_t n;
    std::memcpy(&n, (*inputs)[1].data.data() + i * 8, 8);
    EXPECT_GE(n, 0);
    EXPECT_LT(n, 10);
    EXPECT_LE(static_cast<int>((*inputs)[2].data[i]), 1);
    std::uint16_t half;
    std::memcpy(&half, (*inputs)[3].data.data() + i * 2, 2);
    EXPECT_LT(half, 0x3c00) << "float16 below 1.0";
  }
}

TEST(InputGeneratorTest, AScalarHasOneElement) {
  auto inputs = GenerateInputs({Spec(ElementType::kInt32, std::vector<std::int64_t>{})}, {});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  EXPECT_EQ((*inputs)[0].data.size(), 4u);
}

TEST(InputGeneratorTest, RefusesShapesBeyondTheByteBudget) {
  auto inputs = GenerateInputs({Spec(ElementType::kFloat32, {{1024, 1024}})},
                               {.max_total_bytes = 1024 * 1024});
  ASSERT_FALSE(inputs.ok());
  EXPECT_EQ(inputs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(inputs.status().message(), HasSubstr("would exceed"));
}

TEST(InputGeneratorTest, HugeDeclaredDimsDoNotOverflow) {
  const std::int64_t huge = std::int64_t{1} << 40;
  auto inputs = GenerateInputs({Spec(ElementType::kFloat64, {{huge, huge, huge}})}, {});
  ASSERT_FALSE(inputs.ok());
  EXPECT_THAT(inputs.status().message(), HasSubstr("would exceed"));
}

TEST(InputGeneratorTest, TheBudgetCoversAllInputsTogether) {
  const std::vector<TensorSpec> specs = {Spec(ElementType::kUint8, {{600}}),
                                         Spec(ElementType::kUint8, {{600}})};
  EXPECT_TRUE(GenerateInputs(specs, {.max_total_bytes = 1200}).ok());
  EXPECT_FALSE(GenerateInputs(specs, {.max_total_bytes = 1199}).ok());
}

TEST(InputGeneratorTest, RefusesWhatItCannotGenerate) {
  auto unknown_shape = GenerateInputs({Spec(ElementType::kFloat32, std::nullopt)}, {});
  EXPECT_EQ(unknown_shape.status().code(), StatusCode::kInvalidArgument);
  auto unknown_type = GenerateInputs({Spec(ElementType::kUnknown, {{1}})}, {});
  EXPECT_EQ(unknown_type.status().code(), StatusCode::kInvalidArgument);
  auto strings = GenerateInputs({Spec(ElementType::kString, {{1}})}, {});
  EXPECT_EQ(strings.status().code(), StatusCode::kNotImplemented);
  auto bad_dynamic = GenerateInputs({Spec(ElementType::kFloat32, {{1}})}, {.dynamic_dim_size = 0});
  EXPECT_EQ(bad_dynamic.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mlops::runtime
