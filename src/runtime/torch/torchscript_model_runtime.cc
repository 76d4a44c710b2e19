#include "runtime/torch/torchscript_model_runtime.h"

#include <torch/script.h>

#include <exception>
#include <string>
#include <utility>

namespace mlops::runtime {
namespace {

StatusOr<c10::ScalarType> ToScalarType(ElementType type) {
  switch (type) {
    case ElementType::kFloat32:
      return c10::ScalarType::Float;
    case ElementType::kFloat64:
      return c10::ScalarType::Double;
    case ElementType::kFloat16:
      return c10::ScalarType::Half;
    case ElementType::kBfloat16:
      return c10::ScalarType::BFloat16;
    case ElementType::kInt8:
      return c10::ScalarType::Char;
    case ElementType::kInt16:
      return c10::ScalarType::Short;
    case ElementType::kInt32:
      return c10::ScalarType::Int;
    case ElementType::kInt64:
      return c10::ScalarType::Long;
    case ElementType::kUint8:
      return c10::ScalarType::Byte;
    case ElementType::kBool:
      return c10::ScalarType::Bool;
    default:
      return NotImplemented("libtorch has no " + std::string(ToString(type)) + " tensors");
  }
}

StatusOr<ElementType> FromScalarType(c10::ScalarType type) {
  switch (type) {
    case c10::ScalarType::Float:
      return ElementType::kFloat32;
    case c10::ScalarType::Double:
      return ElementType::kFloat64;
    case c10::ScalarType::Half:
      return ElementType::kFloat16;
    case c10::ScalarType::BFloat16:
      return ElementType::kBfloat16;
    case c10::ScalarType::Char:
      return ElementType::kInt8;
    case c10::ScalarType::Short:
      return ElementType::kInt16;
    case c10::ScalarType::Int:
      return ElementType::kInt32;
    case c10::ScalarType::Long:
      return ElementType::kInt64;
    case c10::ScalarType::Byte:
      return ElementType::kUint8;
    case c10::ScalarType::Bool:
      return ElementType::kBool;
    default:
      return InvalidArgument(std::string("the model returned a tensor of type ") +
                             c10::toString(type));
  }
}

StatusOr<at::Tensor> ToTorch(const Tensor& tensor) {
  ASSIGN_OR_RETURN(c10::ScalarType type, ToScalarType(tensor.type));
  std::size_t count = 1;
  for (std::int64_t dim : tensor.shape) {
    if (dim < 0) return InvalidArgument("input '" + tensor.name + "' has a negative dimension");
    count *= static_cast<std::size_t>(dim);
  }
  if (tensor.data.size() != count * ElementSize(tensor.type)) {
    return InvalidArgument("input '" + tensor.name + "' holds the wrong number of bytes");
  }
  // from_blob borrows; clone so the module may keep or modify its input.
  auto* data = const_cast<std::byte*>(tensor.data.data());
  return torch::from_blob(data, tensor.shape, torch::TensorOptions().dtype(type)).clone();
}

StatusOr<Tensor> FromTorch(std::string name, const at::Tensor& value) {
  Tensor tensor;
  tensor.name = std::move(name);
  ASSIGN_OR_RETURN(tensor.type, FromScalarType(value.scalar_type()));
  const at::Tensor dense = value.to(torch::kCPU).contiguous();
  tensor.shape.assign(dense.sizes().begin(), dense.sizes().end());
  const auto* bytes = static_cast<const std::byte*>(dense.data_ptr());
  tensor.data.assign(bytes, bytes + dense.numel() * dense.element_size());
  return tensor;
}

std::string OutputName(std::size_t index) { return "output_" + std::to_string(index); }

TensorSpec UnknownSpec(std::string name) {
  TensorSpec spec;
  spec.name = std::move(name);
  return spec;
}

// A forward() result: one tensor, or a tuple or list of tensors.
StatusOr<std::vector<Tensor>> FlattenOutputs(const c10::IValue& result) {
  std::vector<at::Tensor> tensors;
  if (result.isTensor()) {
    tensors.push_back(result.toTensor());
  } else if (result.isTuple() || result.isList()) {
    const std::vector<c10::IValue> elements =
        result.isTuple() ? result.toTupleRef().elements().vec() : result.toListRef().vec();
    for (const c10::IValue& element : elements) {
      if (!element.isTensor()) {
        return InvalidArgument("forward() returned a " + element.tagKind() +
                               " inside its result; only tensors are supported");
      }
      tensors.push_back(element.toTensor());
    }
  } else {
    return InvalidArgument("forward() returned a " + result.tagKind() +
                           "; only a tensor or a tuple or list of tensors is supported");
  }
  std::vector<Tensor> outputs;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    ASSIGN_OR_RETURN(Tensor output, FromTorch(OutputName(i), tensors[i]));
    outputs.push_back(std::move(output));
  }
  return outputs;
}

// Argument names from forward()'s schema; arguments with defaults that are not tensors are
// left to their defaults.
StatusOr<IoSignature> SignatureOf(const torch::jit::Module& module) {
  const c10::FunctionSchema& schema = module.get_method("forward").function().getSchema();
  IoSignature signature;
  const std::vector<c10::Argument>& arguments = schema.arguments();
  for (std::size_t i = 1; i < arguments.size(); ++i) {  // 0 is self
    const c10::Argument& argument = arguments[i];
    if (argument.type()->kind() != c10::TypeKind::TensorType) {
      if (argument.default_value()) continue;
      return InvalidArgument("forward() argument '" + argument.name() + "' is a " +
                             argument.type()->str() + "; only tensor arguments are supported");
    }
    signature.inputs.push_back(UnknownSpec(argument.name()));
  }
  const std::vector<c10::Argument>& returns = schema.returns();
  if (returns.size() == 1 && returns[0].type()->kind() == c10::TypeKind::TupleType) {
    const std::size_t count = returns[0].type()->containedTypes().size();
    for (std::size_t i = 0; i < count; ++i) signature.outputs.push_back(UnknownSpec(OutputName(i)));
  } else if (returns.size() == 1 && returns[0].type()->kind() == c10::TypeKind::TensorType) {
    signature.outputs.push_back(UnknownSpec(OutputName(0)));
  }
  return signature;
}

// c10::Error's what() carries a C++ backtrace; the message alone is what a person needs.
std::string LibtorchMessage(const std::exception& e) {
  if (const auto* error = dynamic_cast<const c10::Error*>(&e)) {
    return "libtorch: " + std::string(error->what_without_backtrace());
  }
  return std::string("libtorch: ") + e.what();
}

class TorchscriptLoadedModel final : public LoadedModel {
 public:
  TorchscriptLoadedModel(IoSignature signature, torch::jit::Module module)
      : signature_(std::move(signature)), module_(std::move(module)) {}

  const IoSignature& signature() const override { return signature_; }

 private:
  StatusOr<std::vector<Tensor>> RunImpl(const std::vector<Tensor>& inputs) override {
    try {
      c10::InferenceMode inference_mode;
      std::vector<c10::IValue> arguments;
      for (const Tensor& input : inputs) {
        ASSIGN_OR_RETURN(at::Tensor value, ToTorch(input));
        arguments.emplace_back(std::move(value));
      }
      return FlattenOutputs(module_.forward(std::move(arguments)));
    } catch (const std::exception& e) {
      return InvalidArgument(LibtorchMessage(e));
    }
  }

  IoSignature signature_;
  torch::jit::Module module_;
};

}  // namespace

StatusOr<std::unique_ptr<LoadedModel>> TorchscriptModelRuntime::Load(
    const std::filesystem::path& model_file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(model_file, error)) {
    return NotFound("cannot open model file " + model_file.string());
  }
  try {
    torch::jit::Module module = torch::jit::load(model_file.string(), torch::kCPU);
    module.eval();
    ASSIGN_OR_RETURN(IoSignature signature, SignatureOf(module));
    return std::unique_ptr<LoadedModel>(
        std::make_unique<TorchscriptLoadedModel>(std::move(signature), std::move(module)));
  } catch (const std::exception& e) {
    return InvalidArgument(LibtorchMessage(e));
  }
}

}  // namespace mlops::runtime

// The module's entry point (kTorchscriptModuleEntryPoint).
extern "C" __attribute__((visibility("default"))) mlops::runtime::ModelRuntime*
MlopsNewTorchscriptModelRuntime() {
  return new mlops::runtime::TorchscriptModelRuntime();
}
