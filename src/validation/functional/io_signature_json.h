#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/status.h"
#include "domain/entities.h"
#include "runtime/tensor.h"

namespace mlops::validation {

// A signature as a version's parameters.io_signature declares it: either list may be left out,
// and is then not compared.
struct DeclaredSignature {
  std::optional<std::vector<runtime::TensorSpec>> inputs;
  std::optional<std::vector<runtime::TensorSpec>> outputs;
};

// Serializes a report or details object. Strings from model files and library messages may
// hold invalid UTF-8: it is replaced, never thrown over.
JsonText DumpJson(const nlohmann::json& value);

// {"inputs":[{"name","dtype","shape"}],"outputs":[...]}; an unknown type is "unknown", an
// unknown rank a null shape, a dynamic dimension -1. A spec whose model names its symbolic
// dimensions also has "dim_names" (a name or null per dimension).
nlohmann::json IoSignatureToJson(const runtime::IoSignature& signature);
nlohmann::json TensorSpecsToJson(const std::vector<runtime::TensorSpec>& specs);
// The same form for concrete tensors (generated inputs, run outputs): their actual shapes.
nlohmann::json TensorsToJson(const std::vector<runtime::Tensor>& tensors);

// Parses the declared form. Every entry needs a string "name"; "dtype" (one of the runtime's
// element type names) and "shape" (an array of integers >= -1) may be left out and then match
// anything. Returns InvalidArgument naming the offending field.
StatusOr<DeclaredSignature> ParseDeclaredSignature(const nlohmann::json& value);

}  // namespace mlops::validation
