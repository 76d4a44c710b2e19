#include "runtime/runtime_factory.h"

#include <string>

#include "runtime/onnx_model_runtime.h"
#ifdef MLOPS_WITH_TORCH
#include <dlfcn.h>

#include <filesystem>

#include "runtime/torch/torchscript_model_runtime.h"
#endif

namespace mlops::runtime {
namespace {

#ifdef MLOPS_WITH_TORCH
using NewRuntimeFunction = ModelRuntime* (*)();

// Loads the TorchScript module from beside the executable once per process; it stays loaded
// (libtorch cannot be unloaded safely).
StatusOr<NewRuntimeFunction> LoadTorchscriptModule() {
  static const StatusOr<NewRuntimeFunction> loaded = []() -> StatusOr<NewRuntimeFunction> {
    std::error_code error;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    const std::string module = (error ? std::filesystem::path(kTorchscriptModuleFile)
                                      : executable.parent_path() / kTorchscriptModuleFile)
                                   .string();
    void* handle = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      return NotImplemented(std::string("the libtorch runtime module did not load: ") + dlerror());
    }
    void* entry_point = dlsym(handle, kTorchscriptModuleEntryPoint);
    if (entry_point == nullptr) {
      return Internal(module + " has no " + kTorchscriptModuleEntryPoint);
    }
    return reinterpret_cast<NewRuntimeFunction>(entry_point);
  }();
  return loaded;
}
#endif

StatusOr<std::unique_ptr<ModelRuntime>> MakeTorchscriptRuntime() {
#ifdef MLOPS_WITH_TORCH
  ASSIGN_OR_RETURN(NewRuntimeFunction new_runtime, LoadTorchscriptModule());
  return std::unique_ptr<ModelRuntime>(new_runtime());
#else
  return NotImplemented("built without libtorch");
#endif
}

}  // namespace

bool HasTorchscriptRuntime() {
#ifdef MLOPS_WITH_TORCH
  return true;
#else
  return false;
#endif
}

StatusOr<std::unique_ptr<ModelRuntime>> MakeModelRuntime(ModelFormat format,
                                                         const RuntimeSettings& settings) {
  switch (format) {
    case ModelFormat::kOnnx:
      RETURN_IF_ERROR(ValidateOnnxRuntimeSettings(settings.onnx));
      RETURN_IF_ERROR(LoadOnnxRuntime(settings.onnx).status());
      return std::unique_ptr<ModelRuntime>(std::make_unique<OnnxModelRuntime>(settings.onnx));
    case ModelFormat::kPytorchTorchscript:
      return MakeTorchscriptRuntime();
    default:
      return NotImplemented("no local runtime for " + std::string(ToString(format)) + " models");
  }
}

}  // namespace mlops::runtime
