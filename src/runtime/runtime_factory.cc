#include "runtime/runtime_factory.h"

#include <string>

#include "runtime/onnx_model_runtime.h"
#ifdef MLOPS_WITH_TORCH
#include "runtime/torch/torchscript_model_runtime.h"
#endif

namespace mlops::runtime {

bool HasTorchscriptRuntime() {
#ifdef MLOPS_WITH_TORCH
  return true;
#else
  return false;
#endif
}

StatusOr<std::unique_ptr<ModelRuntime>> MakeModelRuntime(ModelFormat format) {
  switch (format) {
    case ModelFormat::kOnnx:
      return std::unique_ptr<ModelRuntime>(std::make_unique<OnnxModelRuntime>());
    case ModelFormat::kPytorchTorchscript:
#ifdef MLOPS_WITH_TORCH
      return std::unique_ptr<ModelRuntime>(std::make_unique<TorchscriptModelRuntime>());
#else
      return NotImplemented("built without libtorch");
#endif
    default:
      return NotImplemented("no local runtime for " + std::string(ToString(format)) + " models");
  }
}

}  // namespace mlops::runtime
