#pragma once

#include <memory>

#include "common/status.h"
#include "domain/enums.h"
#include "runtime/model_runtime.h"

namespace mlops::runtime {

// Whether this build runs TorchScript (CMake option MLOPS_WITH_TORCH).
bool HasTorchscriptRuntime();

// The runtime for a model format; TorchScript's module is loaded on the first call that asks
// for it. Returns NotImplemented naming the reason when this build has none for the format
// ("built without libtorch"), its module does not load, or the service has none at all
// (TensorFlow SavedModel, containers, OTHER). Thread-safe.
StatusOr<std::unique_ptr<ModelRuntime>> MakeModelRuntime(ModelFormat format);

}  // namespace mlops::runtime
