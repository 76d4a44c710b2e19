#pragma once

#include "runtime/model_runtime.h"

namespace mlops::runtime {

// Runs ONNX models through OpenCV DNN, after libonnx's checker and strict shape inference
// (CheckOnnxModel), which also provide the declared signature. OpenCV DNN computes in float32:
// integer and bool inputs are fed as int32/uint8 blobs, and models it cannot import or run
// fail with its message. Thread-safe.
class OnnxModelRuntime final : public ModelRuntime {
 public:
  StatusOr<std::unique_ptr<LoadedModel>> Load(const std::filesystem::path& model_file) override;
};

}  // namespace mlops::runtime
