#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

// Element types a model's tensors can have. Wire names are the lower-case numpy-style names
// ("float32", "int64", ...), as in a version's parameters.io_signature.
enum class ElementType {
  kUnknown,  // the model does not say (TorchScript arguments)
  kFloat32,
  kFloat64,
  kFloat16,
  kBfloat16,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kBool,
  kString,
};

std::string_view ToString(ElementType type);
// nullopt for a name that is not one of ToString's.
std::optional<ElementType> ParseElementType(std::string_view name);
// Bytes per element; 0 for kUnknown and kString, which have no fixed size.
std::size_t ElementSize(ElementType type);

// A dimension the model leaves open (a symbolic or missing dim_value).
inline constexpr std::int64_t kDynamicDim = -1;

// What a model declares about one of its inputs or outputs.
struct TensorSpec {
  std::string name;
  ElementType type = ElementType::kUnknown;
  // nullopt when even the rank is unknown; kDynamicDim for each open dimension.
  std::optional<std::vector<std::int64_t>> shape;
  // The model's names for its symbolic dimensions ("batch", "sequence"), one per dimension of
  // `shape`, "" where a dimension has none; empty when the model names none. Informational:
  // signatures are matched on names, types and shapes only.
  std::vector<std::string> dim_names;

  bool operator==(const TensorSpec&) const = default;
};

// A model's inputs and outputs in the order its runtime takes and returns them.
struct IoSignature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;

  bool operator==(const IoSignature&) const = default;
};

// A dense tensor with concrete dimensions, its elements in row-major order in their native
// byte representation.
struct Tensor {
  std::string name;
  ElementType type = ElementType::kFloat32;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> data;
};

}  // namespace mlops::runtime
