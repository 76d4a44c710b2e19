#include "validation/functional/io_signature_json.h"

#include <string>

namespace mlops::validation {
namespace {

using runtime::TensorSpec;

StatusOr<TensorSpec> ParseTensorSpec(const nlohmann::json& value, const std::string& where) {
  if (!value.is_object()) return InvalidArgument(where + " must be an object");
  TensorSpec spec;
  const auto name = value.find("name");
  if (name == value.end() || !name->is_string()) {
    return InvalidArgument(where + ".name must be a string");
  }
  spec.name = name->get<std::string>();
  if (const auto dtype = value.find("dtype"); dtype != value.end()) {
    const auto type =
        dtype->is_string() ? runtime::ParseElementType(dtype->get<std::string>()) : std::nullopt;
    if (!type) return InvalidArgument(where + ".dtype is not a known element type");
    spec.type = *type;
  }
  if (const auto shape = value.find("shape"); shape != value.end() && !shape->is_null()) {
    if (!shape->is_array()) return InvalidArgument(where + ".shape must be an array");
    std::vector<std::int64_t> dims;
    for (const nlohmann::json& dim : *shape) {
      if (!dim.is_number_integer() || dim.get<std::int64_t>() < runtime::kDynamicDim) {
        return InvalidArgument(where + ".shape must hold integers >= -1");
      }
      dims.push_back(dim.get<std::int64_t>());
    }
    spec.shape = std::move(dims);
  }
  return spec;
}

StatusOr<std::optional<std::vector<TensorSpec>>> ParseSpecList(const nlohmann::json& signature,
                                                               const std::string& key) {
  const auto list = signature.find(key);
  if (list == signature.end()) return std::optional<std::vector<TensorSpec>>();
  const std::string where = "parameters.io_signature." + key;
  if (!list->is_array()) return InvalidArgument(where + " must be an array");
  std::vector<TensorSpec> specs;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(TensorSpec spec,
                     ParseTensorSpec((*list)[i], where + "[" + std::to_string(i) + "]"));
    specs.push_back(std::move(spec));
  }
  return std::optional<std::vector<TensorSpec>>(std::move(specs));
}

}  // namespace

JsonText DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json TensorSpecsToJson(const std::vector<TensorSpec>& specs) {
  nlohmann::json list = nlohmann::json::array();
  for (const TensorSpec& spec : specs) {
    list.push_back({{"name", spec.name},
                    {"dtype", runtime::ToString(spec.type)},
                    {"shape", spec.shape ? nlohmann::json(*spec.shape) : nlohmann::json()}});
    if (!spec.dim_names.empty()) {
      nlohmann::json names = nlohmann::json::array();
      for (const std::string& name : spec.dim_names) {
        names.push_back(name.empty() ? nlohmann::json() : nlohmann::json(name));
      }
      list.back()["dim_names"] = std::move(names);
    }
  }
  return list;
}

nlohmann::json TensorsToJson(const std::vector<runtime::Tensor>& tensors) {
  nlohmann::json list = nlohmann::json::array();
  for (const runtime::Tensor& tensor : tensors) {
    list.push_back({{"name", tensor.name},
                    {"dtype", runtime::ToString(tensor.type)},
                    {"shape", tensor.shape}});
  }
  return list;
}

nlohmann::json IoSignatureToJson(const runtime::IoSignature& signature) {
  return {{"inputs", TensorSpecsToJson(signature.inputs)},
          {"outputs", TensorSpecsToJson(signature.outputs)}};
}

StatusOr<DeclaredSignature> ParseDeclaredSignature(const nlohmann::json& value) {
  if (!value.is_object()) return InvalidArgument("parameters.io_signature must be an object");
  DeclaredSignature declared;
  ASSIGN_OR_RETURN(declared.inputs, ParseSpecList(value, "inputs"));
  ASSIGN_OR_RETURN(declared.outputs, ParseSpecList(value, "outputs"));
  return declared;
}

}  // namespace mlops::validation
