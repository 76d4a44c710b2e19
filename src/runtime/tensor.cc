#include "runtime/tensor.h"

#include <array>

namespace mlops::runtime {
namespace {

struct ElementTypeInfo {
  ElementType type;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<ElementTypeInfo, 15> kElementTypes{{
    {ElementType::kUnknown, "unknown", 0},
    {ElementType::kFloat32, "float32", 4},
    {ElementType::kFloat64, "float64", 8},
    {ElementType::kFloat16, "float16", 2},
    {ElementType::kBfloat16, "bfloat16", 2},
    {ElementType::kInt8, "int8", 1},
    {ElementType::kInt16, "int16", 2},
    {ElementType::kInt32, "int32", 4},
    {ElementType::kInt64, "int64", 8},
    {ElementType::kUint8, "uint8", 1},
    {ElementType::kUint16, "uint16", 2},
    {ElementType::kUint32, "uint32", 4},
    {ElementType::kUint64, "uint64", 8},
    {ElementType::kBool, "bool", 1},
    {ElementType::kString, "string", 0},
}};

constexpr bool InEnumOrder() {
  for (std::size_t i = 0; i < kElementTypes.size(); ++i) {
    if (static_cast<std::size_t>(kElementTypes[i].type) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kElementTypes is indexed by ElementType");

const ElementTypeInfo& Info(ElementType type) {
  return kElementTypes[static_cast<std::size_t>(type)];
}

}  // namespace

std::string_view ToString(ElementType type) { return Info(type).name; }

std::size_t ElementSize(ElementType type) { return Info(type).size; }

std::optional<ElementType> ParseElementType(std::string_view name) {
  for (const ElementTypeInfo& info : kElementTypes) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

}  // namespace mlops::runtime
