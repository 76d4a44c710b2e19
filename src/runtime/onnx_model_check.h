#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"
#include "runtime/tensor.h"

namespace mlops::runtime {

// What CheckOnnxModel found.
struct OnnxModelCheck {
  // The IO signature the model declares once shapes are inferred (graph inputs that are not
  // initializers, then graph outputs; symbolic or missing dims as kDynamicDim); without
  // inference when the checks were skipped.
  IoSignature signature;
  // Non-empty when libonnx could not check the model because it was made by newer tools than
  // libonnx knows (a higher IR version or default-domain opset): says so, and the checker and
  // shape inference were skipped, leaving the judgement to the runtime.
  std::string skipped;
};

// The bytes of an ONNX model file. Returns NotFound when it cannot be opened, InvalidArgument when
// it is beyond protobuf's 2 GiB (refused before it is read into memory; external data is not
// supported), Internal when reading fails. Thread-safe.
StatusOr<std::string> ReadOnnxModelFile(const std::filesystem::path& file);

// Checks a serialized ONNX model with libonnx: the ONNX checker, then strict shape inference.
// Returns InvalidArgument naming the check and carrying libonnx's message when the model fails
// one, or naming the tensor when one keeps its data in an external file (not supported).
// Thread-safe.
StatusOr<OnnxModelCheck> CheckOnnxModel(std::string_view serialized_model);

}  // namespace mlops::runtime
