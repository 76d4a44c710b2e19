#pragma once

#include <memory>

#include "common/status.h"
#include "domain/enums.h"
#include "runtime/model_runtime.h"
#include "runtime/onnx_model_runtime.h"

namespace mlops::runtime {

// Each runtime's settings, from the service's configuration.
struct RuntimeSettings {
  OnnxRuntimeSettings onnx;
};

// Whether this build runs TorchScript (CMake option MLOPS_WITH_TORCH).
bool HasTorchscriptRuntime();

// The runtime for a model format; ONNX Runtime and TorchScript's module are loaded on the first
// call that asks for them. Returns NotImplemented naming the reason when this build has none for
// the format ("built without libtorch"), its library does not load (ONNX Runtime not
// installed), or the service has none at all (TensorFlow SavedModel, containers, OTHER); an
// invalid setting is InvalidArgument. Thread-safe.
StatusOr<std::unique_ptr<ModelRuntime>> MakeModelRuntime(ModelFormat format,
                                                         const RuntimeSettings& settings = {});

}  // namespace mlops::runtime
