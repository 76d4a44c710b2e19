#include "validation/functional/signature_match.h"

#include <optional>

namespace mlops::validation {
namespace {

using runtime::ElementType;
using runtime::kDynamicDim;
using runtime::TensorSpec;

std::string ShapeText(const std::optional<std::vector<std::int64_t>>& shape) {
  if (!shape) return "unknown";
  std::string text = "[";
  for (std::size_t i = 0; i < shape->size(); ++i) {
    text += (i ? ", " : "") + std::to_string((*shape)[i]);
  }
  return text + "]";
}

bool ShapesMatch(const std::optional<std::vector<std::int64_t>>& a,
                 const std::optional<std::vector<std::int64_t>>& b) {
  if (!a || !b) return true;
  if (a->size() != b->size()) return false;
  for (std::size_t i = 0; i < a->size(); ++i) {
    if ((*a)[i] != kDynamicDim && (*b)[i] != kDynamicDim && (*a)[i] != (*b)[i]) return false;
  }
  return true;
}

void CompareLists(const std::string& kind, const std::vector<TensorSpec>& declared,
                  const std::vector<TensorSpec>& observed, std::vector<std::string>& mismatches) {
  if (declared.size() != observed.size()) {
    mismatches.push_back(kind + "s: declared " + std::to_string(declared.size()) + ", observed " +
                         std::to_string(observed.size()));
    return;
  }
  for (std::size_t i = 0; i < declared.size(); ++i) {
    const TensorSpec& want = declared[i];
    const TensorSpec& got = observed[i];
    const std::string where = kind + " " + std::to_string(i) + " '" + got.name + "': declared ";
    if (want.name != got.name) mismatches.push_back(where + "name '" + want.name + "'");
    if (want.type != ElementType::kUnknown && got.type != ElementType::kUnknown &&
        want.type != got.type) {
      mismatches.push_back(where + "dtype " + std::string(runtime::ToString(want.type)) +
                           ", observed " + std::string(runtime::ToString(got.type)));
    }
    if (!ShapesMatch(want.shape, got.shape)) {
      mismatches.push_back(where + "shape " + ShapeText(want.shape) + ", observed " +
                           ShapeText(got.shape));
    }
  }
}

const TensorSpec* FindByName(const std::optional<std::vector<TensorSpec>>& specs,
                             const std::string& name) {
  if (!specs) return nullptr;
  for (const TensorSpec& spec : *specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

void FillUnknowns(TensorSpec& spec, ElementType type,
                  const std::optional<std::vector<std::int64_t>>& shape) {
  if (spec.type == ElementType::kUnknown) spec.type = type;
  if (!spec.shape) spec.shape = shape;
}

}  // namespace

std::vector<std::string> FindSignatureMismatches(const DeclaredSignature& declared,
                                                 const runtime::IoSignature& observed) {
  std::vector<std::string> mismatches;
  if (declared.inputs) CompareLists("input", *declared.inputs, observed.inputs, mismatches);
  if (declared.outputs) CompareLists("output", *declared.outputs, observed.outputs, mismatches);
  return mismatches;
}

StatusOr<std::vector<TensorSpec>> ResolveInputSpecs(const std::vector<TensorSpec>& model_inputs,
                                                    const DeclaredSignature& declared) {
  std::vector<TensorSpec> resolved = model_inputs;
  for (TensorSpec& spec : resolved) {
    const TensorSpec* hint = FindByName(declared.inputs, spec.name);
    if (hint && spec.type == ElementType::kUnknown) spec.type = hint->type;
    if (hint && !spec.shape) spec.shape = hint->shape;
    if (hint && hint->shape && spec.shape && hint->shape->size() == spec.shape->size()) {
      for (std::size_t i = 0; i < spec.shape->size(); ++i) {
        if ((*spec.shape)[i] == kDynamicDim) (*spec.shape)[i] = (*hint->shape)[i];
      }
    }
    if (spec.type == ElementType::kUnknown || !spec.shape) {
      return InvalidArgument("the model does not record the dtype and shape of input '" +
                             spec.name + "': declare them in parameters.io_signature.inputs");
    }
  }
  return resolved;
}

runtime::IoSignature ObservedSignature(const runtime::IoSignature& model,
                                       const std::vector<TensorSpec>& resolved_inputs,
                                       const std::vector<runtime::Tensor>& outputs) {
  runtime::IoSignature observed = model;
  for (std::size_t i = 0; i < observed.inputs.size() && i < resolved_inputs.size(); ++i) {
    FillUnknowns(observed.inputs[i], resolved_inputs[i].type, resolved_inputs[i].shape);
  }
  if (observed.outputs.empty()) {
    for (const runtime::Tensor& output : outputs) {
      TensorSpec spec;
      spec.name = output.name;
      observed.outputs.push_back(std::move(spec));
    }
  }
  for (std::size_t i = 0; i < observed.outputs.size() && i < outputs.size(); ++i) {
    FillUnknowns(observed.outputs[i], outputs[i].type, outputs[i].shape);
  }
  return observed;
}

}  // namespace mlops::validation
