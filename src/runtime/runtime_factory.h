#pragma once

#include <memory>

#include "common/status.h"
#include "domain/enums.h"
#include "runtime/model_runtime.h"

namespace mlops::runtime {

// Whether this build runs TorchScript (CMake option MLOPS_WITH_TORCH).
bool HasTorchscriptRuntime();

// The runtime for a model format. Returns NotImplemented naming the reason when this build has
// none for it ("built without libtorch") or the service has none at all (TensorFlow SavedModel,
// containers, OTHER).
StatusOr<std::unique_ptr<ModelRuntime>> MakeModelRuntime(ModelFormat format);

}  // namespace mlops::runtime
