#pragma once

#include "runtime/model_runtime.h"

namespace mlops::bench {

// The ONNX engine before ONNX Runtime, kept for the side-by-side figures in bench/README.md only
// (built when OpenCV's dnn module is installed): runs ONNX models through OpenCV DNN 4.6 after
// libonnx's checker and strict shape inference. OpenCV DNN computes in float32: integer and bool
// inputs are fed as int32/uint8 blobs, and models it cannot import or run fail with its message.
class OpenCvDnnRuntime final : public runtime::ModelRuntime {
 public:
  StatusOr<std::unique_ptr<runtime::LoadedModel>> Load(
      const std::filesystem::path& model_file) override;
};

}  // namespace mlops::bench
