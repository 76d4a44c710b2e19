#include "runtime/onnx_model_check.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <exception>
#include <fstream>
#include <limits>
#include <string>
#include <unordered_set>

namespace mlops::runtime {
namespace {

// Debian 12's libonnx-dev: the version that knows IR 8 and opset 17.
constexpr const char* ONNX_VERSION_STRING_FOR_MESSAGES = "1.12";

ElementType FromOnnxElementType(int onnx_type) {
  switch (onnx_type) {
    case onnx::TensorProto::FLOAT:
      return ElementType::kFloat32;
    case onnx::TensorProto::DOUBLE:
      return ElementType::kFloat64;
    case onnx::TensorProto::FLOAT16:
      return ElementType::kFloat16;
    case onnx::TensorProto::BFLOAT16:
      return ElementType::kBfloat16;
    case onnx::TensorProto::INT8:
      return ElementType::kInt8;
    case onnx::TensorProto::INT16:
      return ElementType::kInt16;
    case onnx::TensorProto::INT32:
      return ElementType::kInt32;
    case onnx::TensorProto::INT64:
      return ElementType::kInt64;
    case onnx::TensorProto::UINT8:
      return ElementType::kUint8;
    case onnx::TensorProto::UINT16:
      return ElementType::kUint16;
    case onnx::TensorProto::UINT32:
      return ElementType::kUint32;
    case onnx::TensorProto::UINT64:
      return ElementType::kUint64;
    case onnx::TensorProto::BOOL:
      return ElementType::kBool;
    case onnx::TensorProto::STRING:
      return ElementType::kString;
    default:
      return ElementType::kUnknown;  // complex types: no runtime of ours feeds them
  }
}

StatusOr<TensorSpec> ToTensorSpec(const onnx::ValueInfoProto& value) {
  TensorSpec spec;
  spec.name = value.name();
  if (!value.type().has_tensor_type()) {
    return InvalidArgument("ONNX value '" + value.name() +
                           "' is not a tensor (sequences, maps and optionals are not supported)");
  }
  const onnx::TypeProto::Tensor& tensor = value.type().tensor_type();
  spec.type = FromOnnxElementType(tensor.elem_type());
  if (tensor.has_shape()) {
    std::vector<std::int64_t> dims;
    for (const onnx::TensorShapeProto::Dimension& dim : tensor.shape().dim()) {
      dims.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value() : kDynamicDim);
    }
    spec.shape = std::move(dims);
  }
  return spec;
}

bool IsExternal(const onnx::TensorProto& tensor) {
  return tensor.data_location() == onnx::TensorProto::EXTERNAL;
}

// The first tensor (initializer or constant attribute, in subgraphs too) whose data lives in a
// file beside the model; empty when none does.
std::string FirstExternalTensor(const onnx::GraphProto& graph) {
  for (const onnx::TensorProto& init : graph.initializer()) {
    if (IsExternal(init)) return init.name();
  }
  for (const onnx::NodeProto& node : graph.node()) {
    for (const onnx::AttributeProto& attribute : node.attribute()) {
      if (attribute.has_t() && IsExternal(attribute.t()))
        return node.name() + "." + attribute.name();
      for (const onnx::TensorProto& tensor : attribute.tensors()) {
        if (IsExternal(tensor)) return node.name() + "." + attribute.name();
      }
      if (attribute.has_g()) {
        if (std::string found = FirstExternalTensor(attribute.g()); !found.empty()) return found;
      }
      for (const onnx::GraphProto& subgraph : attribute.graphs()) {
        if (std::string found = FirstExternalTensor(subgraph); !found.empty()) return found;
      }
    }
  }
  return "";
}

StatusOr<IoSignature> SignatureOf(const onnx::GraphProto& graph) {
  std::unordered_set<std::string> initializers;
  for (const onnx::TensorProto& init : graph.initializer()) initializers.insert(init.name());
  IoSignature signature;
  for (const onnx::ValueInfoProto& input : graph.input()) {
    if (initializers.contains(input.name())) continue;  // a weight with a default, not fed
    ASSIGN_OR_RETURN(TensorSpec spec, ToTensorSpec(input));
    signature.inputs.push_back(std::move(spec));
  }
  for (const onnx::ValueInfoProto& output : graph.output()) {
    ASSIGN_OR_RETURN(TensorSpec spec, ToTensorSpec(output));
    signature.outputs.push_back(std::move(spec));
  }
  return signature;
}

// Why libonnx cannot judge `model` (it was made by newer tools than libonnx knows: a higher IR
// version or default-domain opset), or empty when it can.
std::string NewerThanLibonnx(const onnx::ModelProto& model) {
  if (model.ir_version() > onnx::IR_VERSION) {
    return "IR version " + std::to_string(model.ir_version()) + " is newer than libonnx's " +
           std::to_string(onnx::IR_VERSION);
  }
  const auto& known = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  const auto onnx_domain = known.find(onnx::ONNX_DOMAIN);
  for (const onnx::OperatorSetIdProto& opset : model.opset_import()) {
    if ((opset.domain().empty() || opset.domain() == "ai.onnx") && onnx_domain != known.end() &&
        opset.version() > onnx_domain->second.second) {
      return "opset " + std::to_string(opset.version()) + " is newer than libonnx's " +
             std::to_string(onnx_domain->second.second);
    }
  }
  return "";
}

// Protobuf parses at most 2 GiB; a larger file is refused before it is read into memory.
constexpr std::uintmax_t kMaxOnnxFileBytes = std::numeric_limits<int>::max();

}  // namespace

StatusOr<std::string> ReadOnnxModelFile(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) return NotFound("cannot open model file " + file.string());
  if (size > kMaxOnnxFileBytes) {
    return InvalidArgument(
        "ONNX model is larger than protobuf's 2 GiB limit (external data is not supported)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound("cannot open model file " + file.string());
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return Internal("cannot read model file " + file.string());
  }
  return bytes;
}

StatusOr<OnnxModelCheck> CheckOnnxModel(std::string_view serialized_model) {
  if (serialized_model.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return InvalidArgument("ONNX model is larger than protobuf's 2 GiB limit");
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(serialized_model.data(), static_cast<int>(serialized_model.size()))) {
    return InvalidArgument("not an ONNX model: the protobuf does not parse as a ModelProto");
  }
  // The runtime loads the model from memory: external data would be resolved against the
  // service's working directory, not an upload's, so it is refused rather than looked for.
  if (const std::string external = FirstExternalTensor(model.graph()); !external.empty()) {
    return InvalidArgument("ONNX tensor '" + external +
                           "' keeps its data in an external file: external data is not "
                           "supported, the weights must be inside the .onnx file");
  }
  OnnxModelCheck check;
  if (const std::string newer = NewerThanLibonnx(model); !newer.empty()) {
    check.skipped = "libonnx " + std::string(ONNX_VERSION_STRING_FOR_MESSAGES) +
                    " did not check the model: " + newer;
    ASSIGN_OR_RETURN(check.signature, SignatureOf(model.graph()));
    return check;
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("ONNX checker: ") + e.what());
  }
  try {
    // Strict: type mismatches and node-level inference errors fail the model.
    const onnx::ShapeInferenceOptions options(/*check_type_val=*/true, /*strict_mode_val=*/1);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("ONNX shape inference: ") + e.what());
  }
  ASSIGN_OR_RETURN(check.signature, SignatureOf(model.graph()));
  return check;
}

}  // namespace mlops::runtime
