#include "runtime/input_generator.h"

#include <bit>
#include <cstring>
#include <random>
#include <string>

namespace mlops::runtime {
namespace {

// Floats are multiples of 1/1024 in [0, 1): exact in float16, so every float type gets the same
// values from one stream.
float NextFloat(std::mt19937_64& random) { return static_cast<float>(random() % 1024) / 1024.0f; }

// Exact for NextFloat's values: zero, or normal numbers of at most 10 significant bits.
std::uint16_t ToFloat16Bits(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  if (value == 0.0f) return 0;
  const std::uint32_t exponent = ((bits >> 23) & 0xff) - 127 + 15;
  return static_cast<std::uint16_t>((exponent << 10) | ((bits >> 13) & 0x3ff));
}

std::uint16_t ToBfloat16Bits(float value) {
  return static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(value) >> 16);
}

template <typename T>
void Store(std::byte* out, T value) {
  std::memcpy(out, &value, sizeof(T));
}

void StoreNext(ElementType type, std::mt19937_64& random, std::byte* out) {
  const auto small_int = [&random] { return random() % 10; };
  switch (type) {
    case ElementType::kFloat32:
      return Store(out, NextFloat(random));
    case ElementType::kFloat64:
      return Store(out, static_cast<double>(NextFloat(random)));
    case ElementType::kFloat16:
      return Store(out, ToFloat16Bits(NextFloat(random)));
    case ElementType::kBfloat16:
      return Store(out, ToBfloat16Bits(NextFloat(random)));
    case ElementType::kInt8:
      return Store(out, static_cast<std::int8_t>(small_int()));
    case ElementType::kInt16:
      return Store(out, static_cast<std::int16_t>(small_int()));
    case ElementType::kInt32:
      return Store(out, static_cast<std::int32_t>(small_int()));
    case ElementType::kInt64:
      return Store(out, static_cast<std::int64_t>(small_int()));
    case ElementType::kUint8:
      return Store(out, static_cast<std::uint8_t>(small_int()));
    case ElementType::kUint16:
      return Store(out, static_cast<std::uint16_t>(small_int()));
    case ElementType::kUint32:
      return Store(out, static_cast<std::uint32_t>(small_int()));
    case ElementType::kUint64:
      return Store(out, small_int());
    case ElementType::kBool:
      return Store(out, static_cast<std::uint8_t>(small_int() % 2));
    default:
      return;  // GenerateInputs refuses types without a fixed size
  }
}

Status TooMuch(const TensorSpec& spec, const InputGenerationOptions& options) {
  return InvalidArgument("generated inputs would exceed " +
                         std::to_string(options.max_total_bytes) + " bytes at input '" + spec.name +
                         "'");
}

}  // namespace

StatusOr<std::vector<Tensor>> GenerateInputs(const std::vector<TensorSpec>& specs,
                                             const InputGenerationOptions& options) {
  if (options.dynamic_dim_size < 1) {
    return InvalidArgument("the size for dynamic dimensions must be at least 1");
  }
  std::mt19937_64 random(options.seed);
  std::vector<Tensor> tensors;
  std::size_t total_bytes = 0;
  for (const TensorSpec& spec : specs) {
    if (spec.type == ElementType::kString) {
      return NotImplemented("input '" + spec.name + "' is a string tensor: no values to generate");
    }
    if (ElementSize(spec.type) == 0) {
      return InvalidArgument("input '" + spec.name + "' has no known element type");
    }
    if (!spec.shape) return InvalidArgument("input '" + spec.name + "' has no known shape");
    Tensor tensor;
    tensor.name = spec.name;
    tensor.type = spec.type;
    const std::size_t budget = options.max_total_bytes - total_bytes;
    std::size_t bytes = ElementSize(spec.type);
    for (std::int64_t dim : *spec.shape) {
      const std::int64_t size = dim == kDynamicDim ? options.dynamic_dim_size : dim;
      if (size < 0) return InvalidArgument("input '" + spec.name + "' has a negative dimension");
      tensor.shape.push_back(size);
      // Checked before multiplying, so the product cannot overflow.
      if (size != 0 && bytes > budget / static_cast<std::size_t>(size))
        return TooMuch(spec, options);
      bytes *= static_cast<std::size_t>(size);
    }
    if (bytes > budget) return TooMuch(spec, options);
    total_bytes += bytes;
    tensor.data.resize(bytes);
    const std::size_t element_size = ElementSize(spec.type);
    for (std::size_t offset = 0; offset < bytes; offset += element_size) {
      StoreNext(spec.type, random, tensor.data.data() + offset);
    }
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

}  // namespace mlops::runtime
