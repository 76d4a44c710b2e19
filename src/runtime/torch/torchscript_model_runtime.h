#pragma once

#include "runtime/model_runtime.h"

namespace mlops::runtime {

// Runs TorchScript modules (torch.jit.save archives) on the CPU with libtorch. TorchScript
// records argument names but no element types or shapes: the signature's inputs are named
// kUnknown tensors, its outputs "output_0", "output_1", ... of unknown type until a run shows
// them. Thread-safe.
//
// Linking libtorch costs every process ~150 MB and seconds at start, so this adapter is built
// (with MLOPS_WITH_TORCH) as its own module, kTorchscriptModuleFile, beside the executables;
// MakeModelRuntime dlopen()s it on first use and calls kTorchscriptModuleEntryPoint, an
// extern "C" function returning a new TorchscriptModelRuntime the caller owns.
class TorchscriptModelRuntime final : public ModelRuntime {
 public:
  StatusOr<std::unique_ptr<LoadedModel>> Load(const std::filesystem::path& model_file) override;
};

inline constexpr char kTorchscriptModuleFile[] = "mlops_torch_runtime.so";
inline constexpr char kTorchscriptModuleEntryPoint[] = "MlopsNewTorchscriptModelRuntime";

}  // namespace mlops::runtime
