#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/tensor.h"
#include "validation/functional/io_signature_json.h"

namespace mlops::validation {

// Compares an observed signature with a declared one, list by list (a list the declaration
// leaves out is not compared) and position by position: counts, names, element types and
// shapes. An unknown type or rank, or a dimension of -1, on either side matches anything.
// Returns one sentence per mismatch, e.g. "input 0 'x': declared dtype int64, observed float32";
// empty when they match.
std::vector<std::string> FindSignatureMismatches(const DeclaredSignature& declared,
                                                 const runtime::IoSignature& observed);

// The input specs to generate inputs from: the model's own, with what it leaves open (element
// type, rank, dynamic dimensions) taken from the declared input of the same name where that
// says more. Returns InvalidArgument naming the first input whose type or shape stays unknown
// (TorchScript inputs without a declaration).
StatusOr<std::vector<runtime::TensorSpec>> ResolveInputSpecs(
    const std::vector<runtime::TensorSpec>& model_inputs, const DeclaredSignature& declared);

// What one run showed: the model's signature with what it leaves open filled in, inputs from the
// specs the inputs were generated from, outputs from the tensors the run returned (by position).
// Dynamic dimensions the model declares stay -1.
runtime::IoSignature ObservedSignature(const runtime::IoSignature& model,
                                       const std::vector<runtime::TensorSpec>& resolved_inputs,
                                       const std::vector<runtime::Tensor>& outputs);

}  // namespace mlops::validation
