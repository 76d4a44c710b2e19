#include "runtime/tensor.h"

#include <gtest/gtest.h>

namespace mlops::runtime {
namespace {

TEST(ElementTypeTest, NamesRoundTrip) {
  for (ElementType type :
       {ElementType::kUnknown, ElementType::kFloat32, ElementType::kFloat16, ElementType::kBfloat16,
        ElementType::kInt64, ElementType::kUint8, ElementType::kBool, ElementType::kString}) {
    EXPECT_EQ(ParseElementType(ToString(type)), type) << ToString(type);
  }
  EXPECT_EQ(ToString(ElementType::kFloat32), "float32");
  EXPECT_EQ(ParseElementType("Float32"), std::nullopt);
  EXPECT_EQ(ParseElementType("float"), std::nullopt);
}

TEST(ElementTypeTest, Sizes) {
  EXPECT_EQ(ElementSize(ElementType::kFloat64), 8u);
  EXPECT_EQ(ElementSize(ElementType::kBfloat16), 2u);
  EXPECT_EQ(ElementSize(ElementType::kBool), 1u);
  EXPECT_EQ(ElementSize(ElementType::kString), 0u);
  EXPECT_EQ(ElementSize(ElementType::kUnknown), 0u);
}

}  // namespace
}  // namespace mlops::runtime
