#include "runtime/runtime_factory.h"

#include <gtest/gtest.h>

namespace mlops::runtime {
namespace {

TEST(RuntimeFactoryTest, OnnxAlwaysHasARuntime) {
  EXPECT_TRUE(MakeModelRuntime(ModelFormat::kOnnx).ok());
}

TEST(RuntimeFactoryTest, TorchScriptHasOneOnlyWhenBuiltWithLibtorch) {
  auto runtime = MakeModelRuntime(ModelFormat::kPytorchTorchscript);
  if (HasTorchscriptRuntime()) {
    EXPECT_TRUE(runtime.ok()) << runtime.status().ToString();
  } else {
    EXPECT_EQ(runtime.status().code(), StatusCode::kNotImplemented);
    EXPECT_EQ(runtime.status().message(), "built without libtorch");
  }
}

TEST(RuntimeFactoryTest, OtherFormatsHaveNoneAndSayWhich) {
  for (ModelFormat format : {ModelFormat::kTensorflowSavedmodel,
                             ModelFormat::kCustomPythonContainer, ModelFormat::kOther}) {
    auto runtime = MakeModelRuntime(format);
    ASSERT_FALSE(runtime.ok());
    EXPECT_EQ(runtime.status().code(), StatusCode::kNotImplemented);
    EXPECT_NE(runtime.status().message().find(ToString(format)), std::string::npos);
  }
}

}  // namespace
}  // namespace mlops::runtime
