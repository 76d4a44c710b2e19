#pragma once

#include <filesystem>
#include <string>

#include "runtime/model_runtime.h"

namespace mlops::runtime {

// How ONNX Runtime sessions are set up (MLOPS_ONNXRUNTIME_* settings, README).
struct OnnxRuntimeSettings {
  // The libonnxruntime.so.1 to load; empty: DefaultOnnxRuntimeLibraryPath(). The first load in
  // a process decides: the library stays loaded, later settings' paths are not looked at.
  std::string library_path;
  // Threads within one operator / across independent operators; 0 lets ONNX Runtime choose
  // (one per physical core). More than one inter-op thread runs the graph in parallel mode.
  int intra_op_threads = 0;
  int inter_op_threads = 0;
  // "disable", "basic", "extended" or "all" (ONNX Runtime's graph optimisation levels).
  std::string graph_optimization_level = "all";
  // ONNX Runtime's CPU memory arena: faster repeated runs, memory held until the session ends.
  bool cpu_memory_arena = true;
};

// Where the library is looked for when no path is set: libonnxruntime.so.1 beside the running
// executable (the build links the one scripts/install-deps.sh installs there; the image ships it
// there), else the dynamic linker's search path.
std::filesystem::path DefaultOnnxRuntimeLibraryPath();

// Whether the parts of `settings` that are checked without the library are valid; returns
// InvalidArgument naming the bad field.
Status ValidateOnnxRuntimeSettings(const OnnxRuntimeSettings& settings);

// Loads the library once per process (it stays loaded) and returns its version string.
// Returns NotImplemented with the reason when it does not load, lacks OrtGetApiBase, or is
// older than the C API version we declare (onnxruntime_c_api.h), so callers can SKIP.
StatusOr<std::string> LoadOnnxRuntime(const OnnxRuntimeSettings& settings);

// Runs ONNX models with ONNX Runtime's CPU execution provider, loaded at run time (dlopen)
// through its C API. The signature comes from the session's own metadata: names, element types,
// dimensions (symbolic or missing ones as kDynamicDim). Models are first put through libonnx's
// checker (CheckOnnxModel), which names what is wrong with a malformed file; a model made by
// newer tools than libonnx knows (IR version or opset) skips it, is judged by ONNX Runtime alone,
// and its load_notes() say so. Every element type
// of ElementType but kString and kUnknown runs, at any number of inputs and outputs and at any
// shape the model accepts. Load returns NotImplemented when the library is unavailable.
// Thread-safe.
class OnnxModelRuntime final : public ModelRuntime {
 public:
  explicit OnnxModelRuntime(OnnxRuntimeSettings settings = {}) : settings_(std::move(settings)) {}

  StatusOr<std::unique_ptr<LoadedModel>> Load(const std::filesystem::path& model_file) override;

 private:
  OnnxRuntimeSettings settings_;
};

}  // namespace mlops::runtime
