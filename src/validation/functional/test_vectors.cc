#include "validation/functional/test_vectors.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace mlops::validation {
namespace {

using runtime::ElementType;
using runtime::Tensor;

// Standard base64 (RFC 4648), padding optional, no whitespace. nullopt for anything else.
std::optional<std::vector<std::byte>> DecodeBase64(const std::string& text) {
  static constexpr auto kValues = [] {
    std::array<int, 256> values{};
    values.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) values[static_cast<unsigned char>(alphabet[i])] = i;
    return values;
  }();
  std::size_t length = text.size();
  while (length > 0 && text[length - 1] == '=') --length;
  if (text.size() - length > 2 || length % 4 == 1) return std::nullopt;
  std::vector<std::byte> out;
  out.reserve(length * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const int value = kValues[static_cast<unsigned char>(text[i])];
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::byte>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

float HalfToFloat(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000) << 16;
  const std::uint32_t exponent = (half >> 10) & 0x1f;
  std::uint32_t mantissa = half & 0x3ff;
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000 | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    const float value = static_cast<float>(mantissa) * std::ldexp(1.0f, -24);  // subnormal
    return sign ? -value : value;
  }
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

template <typename T>
T Load(const std::byte* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

// Element `index` of `tensor` as a double (exact for every type but 64-bit integers beyond 2^53).
double ElementAt(const Tensor& tensor, std::size_t index) {
  const std::byte* at = tensor.data.data() + index * runtime::ElementSize(tensor.type);
  switch (tensor.type) {
    case ElementType::kFloat32:
      return Load<float>(at);
    case ElementType::kFloat64:
      return Load<double>(at);
    case ElementType::kFloat16:
      return HalfToFloat(Load<std::uint16_t>(at));
    case ElementType::kBfloat16:
      return std::bit_cast<float>(static_cast<std::uint32_t>(Load<std::uint16_t>(at)) << 16);
    case ElementType::kInt8:
      return Load<std::int8_t>(at);
    case ElementType::kInt16:
      return Load<std::int16_t>(at);
    case ElementType::kInt32:
      return Load<std::int32_t>(at);
    case ElementType::kInt64:
      return static_cast<double>(Load<std::int64_t>(at));
    case ElementType::kUint8:
    case ElementType::kBool:
      return Load<std::uint8_t>(at);
    case ElementType::kUint16:
      return Load<std::uint16_t>(at);
    case ElementType::kUint32:
      return Load<std::uint32_t>(at);
    case ElementType::kUint64:
      return static_cast<double>(Load<std::uint64_t>(at));
    default:
      return 0;
  }
}

bool IsFloatingPoint(ElementType type) {
  return type == ElementType::kFloat32 || type == ElementType::kFloat64 ||
         type == ElementType::kFloat16 || type == ElementType::kBfloat16;
}

// Stores a JSON number or boolean as one element of `type`; false when it does not fit.
bool StoreNumber(const nlohmann::json& value, ElementType type, std::byte* out) {
  if (type == ElementType::kBool) {
    if (!value.is_boolean() && !value.is_number_integer()) return false;
    const std::uint8_t flag =
        value.is_boolean() ? value.get<bool>() : value.get<std::int64_t>() != 0;
    std::memcpy(out, &flag, 1);
    return true;
  }
  if (!value.is_number()) return false;
  const auto store = [out](auto typed) { std::memcpy(out, &typed, sizeof(typed)); };
  const auto integer = [&value](auto min, auto max, auto& result) {
    if (!value.is_number_integer()) return false;
    if (value.is_number_unsigned()) {
      const std::uint64_t v = value.get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(max)) return false;
      result = static_cast<std::remove_reference_t<decltype(result)>>(v);
      return true;
    }
    const std::int64_t v = value.get<std::int64_t>();
    if (v < static_cast<std::int64_t>(min) ||
        (v > 0 && static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(max)))
      return false;
    result = static_cast<std::remove_reference_t<decltype(result)>>(v);
    return true;
  };
  switch (type) {
    case ElementType::kFloat32:
      store(value.get<float>());
      return true;
    case ElementType::kFloat64:
      store(value.get<double>());
      return true;
#define MLOPS_INTEGER_CASE(kind, T)                                                              \
  case ElementType::kind: {                                                                      \
    T v{};                                                                                       \
    if (!integer(std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), v)) return false; \
    store(v);                                                                                    \
    return true;                                                                                 \
  }
      MLOPS_INTEGER_CASE(kInt8, std::int8_t)
      MLOPS_INTEGER_CASE(kInt16, std::int16_t)
      MLOPS_INTEGER_CASE(kInt32, std::int32_t)
      MLOPS_INTEGER_CASE(kInt64, std::int64_t)
      MLOPS_INTEGER_CASE(kUint8, std::uint8_t)
      MLOPS_INTEGER_CASE(kUint16, std::uint16_t)
      MLOPS_INTEGER_CASE(kUint32, std::uint32_t)
      MLOPS_INTEGER_CASE(kUint64, std::uint64_t)
#undef MLOPS_INTEGER_CASE
    default:
      return false;  // float16/bfloat16 as numbers: give data_base64 instead
  }
}

StatusOr<Tensor> ParseTensor(const nlohmann::json& value, const std::string& where,
                             std::size_t& budget) {
  if (!value.is_object()) return InvalidArgument(where + " must be an object");
  Tensor tensor;
  const auto name = value.find("name");
  if (name == value.end() || !name->is_string() || name->get<std::string>().empty()) {
    return InvalidArgument(where + ".name must be a non-empty string");
  }
  tensor.name = name->get<std::string>();
  const auto dtype = value.find("dtype");
  const std::optional<ElementType> type = dtype != value.end() && dtype->is_string()
                                              ? runtime::ParseElementType(dtype->get<std::string>())
                                              : std::nullopt;
  if (!type || runtime::ElementSize(*type) == 0) {
    return InvalidArgument(where +
                           ".dtype must name a fixed-size element type (float32, int64, "
                           "bool, float16, ...)");
  }
  tensor.type = *type;
  const auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array()) {
    return InvalidArgument(where + ".shape must be an array of integers >= 0");
  }
  const std::size_t element_size = runtime::ElementSize(tensor.type);
  std::size_t count = 1;
  for (const nlohmann::json& dim : *shape) {
    if (!dim.is_number_integer() || dim.get<std::int64_t>() < 0) {
      return InvalidArgument(where + ".shape must be an array of integers >= 0");
    }
    const auto size = static_cast<std::size_t>(dim.get<std::int64_t>());
    if (size != 0 && count > budget / element_size / size) {
      return InvalidArgument(where + " is larger than the test vectors may be");
    }
    count *= size;
    tensor.shape.push_back(static_cast<std::int64_t>(size));
  }
  const std::size_t bytes = count * element_size;
  if (bytes > budget) return InvalidArgument(where + " is larger than the test vectors may be");
  budget -= bytes;
  if (const auto encoded = value.find("data_base64"); encoded != value.end()) {
    std::optional<std::vector<std::byte>> data =
        encoded->is_string() ? DecodeBase64(encoded->get<std::string>()) : std::nullopt;
    if (!data) return InvalidArgument(where + ".data_base64 is not base64");
    if (data->size() != bytes) {
      return InvalidArgument(fmt::format("{}.data_base64 holds {} bytes, its shape needs {}", where,
                                         data->size(), bytes));
    }
    tensor.data = std::move(*data);
    return tensor;
  }
  const auto data = value.find("data");
  if (data == value.end() || !data->is_array()) {
    return InvalidArgument(where + " needs data (an array) or data_base64");
  }
  if (data->size() != count) {
    return InvalidArgument(
        fmt::format("{}.data holds {} elements, its shape needs {}", where, data->size(), count));
  }
  tensor.data.resize(bytes);
  for (std::size_t i = 0; i < count; ++i) {
    if (!StoreNumber((*data)[i], tensor.type, tensor.data.data() + i * element_size)) {
      return InvalidArgument(
          fmt::format("{}.data[{}] is not a {} value", where, i, runtime::ToString(tensor.type)));
    }
  }
  return tensor;
}

StatusOr<std::vector<Tensor>> ParseTensors(const nlohmann::json& vector, const char* key,
                                           const std::string& where, std::size_t& budget) {
  const auto list = vector.find(key);
  if (list == vector.end() || !list->is_array()) {
    return InvalidArgument(where + "." + key + " must be an array of tensors");
  }
  std::vector<Tensor> tensors;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(Tensor tensor,
                     ParseTensor((*list)[i], fmt::format("{}.{}[{}]", where, key, i), budget));
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

StatusOr<Tolerance> ParseTolerance(const nlohmann::json& parameters) {
  Tolerance tolerance;
  const auto value = parameters.find("test_vector_tolerance");
  if (value == parameters.end()) return tolerance;
  if (!value->is_object()) {
    return InvalidArgument("parameters.test_vector_tolerance must be {\"atol\": x, \"rtol\": y}");
  }
  for (auto [key, field] : {std::pair{"atol", &tolerance.atol}, {"rtol", &tolerance.rtol}}) {
    if (const auto it = value->find(key); it != value->end()) {
      if (!it->is_number() || it->get<double>() < 0 || !std::isfinite(it->get<double>())) {
        return InvalidArgument(std::string("parameters.test_vector_tolerance.") + key +
                               " must be a number >= 0");
      }
      *field = it->get<double>();
    }
  }
  return tolerance;
}

std::string ShapeText(const std::vector<std::int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

}  // namespace

StatusOr<std::optional<TestVectorSet>> ParseTestVectors(const nlohmann::json& parameters,
                                                        std::size_t max_bytes) {
  const auto value = parameters.find("test_vectors");
  if (value == parameters.end()) return std::optional<TestVectorSet>();
  if (!value->is_array() || value->empty()) {
    return InvalidArgument(
        "parameters.test_vectors must be a non-empty array of "
        "{\"inputs\": [...], \"outputs\": [...]}");
  }
  TestVectorSet set;
  ASSIGN_OR_RETURN(set.tolerance, ParseTolerance(parameters));
  std::size_t budget = max_bytes;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const nlohmann::json& vector = (*value)[i];
    const std::string where = fmt::format("parameters.test_vectors[{}]", i);
    if (!vector.is_object()) return InvalidArgument(where + " must be an object");
    TestVector parsed;
    ASSIGN_OR_RETURN(parsed.inputs, ParseTensors(vector, "inputs", where, budget));
    ASSIGN_OR_RETURN(parsed.expected_outputs, ParseTensors(vector, "outputs", where, budget));
    set.vectors.push_back(std::move(parsed));
  }
  return std::optional<TestVectorSet>(std::move(set));
}

StatusOr<std::vector<Tensor>> OrderInputs(const std::vector<runtime::TensorSpec>& inputs,
                                          const std::vector<Tensor>& given) {
  std::vector<Tensor> ordered;
  for (const runtime::TensorSpec& spec : inputs) {
    const auto found = std::find_if(given.begin(), given.end(),
                                    [&spec](const Tensor& t) { return t.name == spec.name; });
    if (found == given.end()) {
      return InvalidArgument("the test vector has no value for the model's input '" + spec.name +
                             "'");
    }
    ordered.push_back(*found);
  }
  for (const Tensor& tensor : given) {
    const auto known = std::find_if(inputs.begin(), inputs.end(), [&tensor](const auto& spec) {
      return spec.name == tensor.name;
    });
    if (known == inputs.end()) {
      return InvalidArgument("the test vector gives input '" + tensor.name +
                             "', which the model does not take");
    }
  }
  return ordered;
}

std::vector<OutputComparison> CompareOutputs(const std::vector<Tensor>& expected,
                                             const std::vector<Tensor>& actual,
                                             const Tolerance& tolerance) {
  std::vector<OutputComparison> comparisons;
  for (const Tensor& want : expected) {
    OutputComparison comparison;
    comparison.name = want.name;
    const auto got = std::find_if(actual.begin(), actual.end(),
                                  [&want](const Tensor& t) { return t.name == want.name; });
    const std::string label = "output '" + want.name + "'";
    if (got == actual.end()) {
      comparison.mismatch = label + ": the model has no such output";
    } else if (got->type != want.type) {
      comparison.mismatch = fmt::format("{}: expected dtype {}, got {}", label,
                                        runtime::ToString(want.type), runtime::ToString(got->type));
    } else if (got->shape != want.shape) {
      comparison.mismatch = fmt::format("{}: expected shape {}, got {}", label,
                                        ShapeText(want.shape), ShapeText(got->shape));
    } else {
      const std::size_t element_size = runtime::ElementSize(want.type);
      const std::size_t count = want.data.size() / element_size;
      const bool floating = IsFloatingPoint(want.type);
      for (std::size_t i = 0; i < count; ++i) {
        const double e = ElementAt(want, i);
        const double a = ElementAt(*got, i);
        if (floating && std::isnan(e) && std::isnan(a)) continue;
        const double error = std::isinf(e) && e == a ? 0.0 : std::fabs(a - e);
        const double allowed = floating ? tolerance.atol + tolerance.rtol * std::fabs(e) : 0.0;
        // Integers compare by their bytes: 64-bit ones beyond 2^53 would round equal as doubles.
        const bool bad = floating
                             ? std::isnan(error) || error > allowed
                             : std::memcmp(want.data.data() + i * element_size,
                                           got->data.data() + i * element_size, element_size) != 0;
        if (!std::isnan(error))
          comparison.max_abs_error = std::max(comparison.max_abs_error, error);
        if (bad && comparison.mismatch.empty()) {
          comparison.mismatch = fmt::format(
              "{} element {}: expected {:.7g}, got {:.7g} (|error| {:.3g} > "
              "tolerance {:.3g})",
              label, i, e, a, error, allowed);
        }
        if (std::isnan(error)) comparison.max_abs_error = std::numeric_limits<double>::infinity();
      }
    }
    comparison.matches = comparison.mismatch.empty();
    comparisons.push_back(std::move(comparison));
  }
  return comparisons;
}

}  // namespace mlops::validation
