#pragma once

#include <string_view>

#include "common/status.h"
#include "runtime/tensor.h"

namespace mlops::runtime {

// Checks a serialized ONNX model with libonnx: the ONNX checker, then strict shape inference.
// Returns the IO signature the model declares once shapes are inferred (graph inputs that are
// not initializers, then graph outputs; symbolic or missing dims as kDynamicDim). Returns
// InvalidArgument naming the check and carrying libonnx's message when the model fails one, or
// naming the tensor when one keeps its data in an external file (not supported).
// Thread-safe.
StatusOr<IoSignature> CheckOnnxModel(std::string_view serialized_model);

}  // namespace mlops::runtime
