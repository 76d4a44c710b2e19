#pragma once

#include "runtime/model_runtime.h"

namespace mlops::runtime {

// Runs TorchScript modules (torch.jit.save archives) on the CPU with libtorch. TorchScript
// records argument names but no element types or shapes: the signature's inputs are named
// kUnknown tensors, its outputs "output_0", "output_1", ... of unknown type until a run shows
// them. Compiled only with MLOPS_WITH_TORCH; libtorch's headers stay inside the .cc.
// Thread-safe.
class TorchscriptModelRuntime final : public ModelRuntime {
 public:
  StatusOr<std::unique_ptr<LoadedModel>> Load(const std::filesystem::path& model_file) override;
};

}  // namespace mlops::runtime
