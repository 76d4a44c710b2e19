#include "validation/security/onnx_external_data.h"

#include <algorithm>
#include <optional>
#include <string>

namespace mlops::validation::security {
namespace {

// The messages on the way to a TensorProto, and the fields that lead from each to the next
// (onnx/onnx.proto field numbers).
enum class Message {
  kModel,
  kGraph,
  kNode,
  kAttribute,
  kTensor,
  kSparseTensor,
  kFunction,
  kTrainingInfo,
  kStringStringEntry,
  kOther
};

Message Child(Message parent, std::uint64_t field) {
  switch (parent) {
    case Message::kModel:
      if (field == 7) return Message::kGraph;
      if (field == 20) return Message::kTrainingInfo;
      if (field == 25) return Message::kFunction;
      break;
    case Message::kTrainingInfo:
      if (field == 1 || field == 2) return Message::kGraph;
      break;
    case Message::kFunction:
      if (field == 7) return Message::kNode;
      break;
    case Message::kGraph:
      if (field == 1) return Message::kNode;
      if (field == 5) return Message::kTensor;
      if (field == 15) return Message::kSparseTensor;
      break;
    case Message::kNode:
      if (field == 5) return Message::kAttribute;
      break;
    case Message::kAttribute:
      if (field == 5 || field == 10) return Message::kTensor;
      if (field == 6 || field == 11) return Message::kGraph;
      if (field == 22 || field == 23) return Message::kSparseTensor;
      break;
    case Message::kSparseTensor:
      if (field == 1 || field == 2) return Message::kTensor;
      break;
    case Message::kTensor:
      if (field == 13) return Message::kStringStringEntry;
      break;
    default:
      break;
  }
  return Message::kOther;
}

constexpr std::uint64_t kTensorNameField = 8;
constexpr std::uint64_t kTensorDataLocationField = 14;
constexpr std::uint64_t kDataLocationExternal = 1;
constexpr std::size_t kMaxDepth = 100;
constexpr std::size_t kMaxStringLength = 64 * 1024;

// A read cursor over the source with a small window; skipping moves the position only.
class Cursor {
 public:
  explicit Cursor(ByteSource& source) : source_(source), window_(4096, '\0') {}

  std::uint64_t position() const { return position_; }
  void SkipTo(std::uint64_t position) { position_ = position; }

  StatusOr<int> Byte(std::uint64_t end) {
    if (position_ >= end) return Malformed("field runs past the end of its message");
    if (position_ < window_start_ || position_ >= window_start_ + window_length_) {
      ASSIGN_OR_RETURN(window_length_, source_.ReadAt(position_, window_.data(), window_.size()));
      window_start_ = position_;
      if (window_length_ == 0) return Malformed("truncated");
    }
    return static_cast<unsigned char>(window_[position_++ - window_start_]);
  }

  StatusOr<std::uint64_t> Varint(std::uint64_t end) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      ASSIGN_OR_RETURN(const int byte, Byte(end));
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return Malformed("varint longer than 10 bytes");
  }

  StatusOr<std::string> String(std::uint64_t length) {
    std::string text;
    for (std::uint64_t i = 0; i < length; ++i) {
      ASSIGN_OR_RETURN(const int byte, Byte(position_ + 1));
      text.push_back(static_cast<char>(byte));
    }
    return text;
  }

 private:
  ByteSource& source_;
  std::string window_;
  std::uint64_t window_start_ = 0;
  std::size_t window_length_ = 0;
  std::uint64_t position_ = 0;
};

// What a TensorProto says about its data's whereabouts.
struct TensorPlacement {
  std::string name;
  std::optional<std::string> location;
  bool external = false;
};

class OnnxWalker {
 public:
  OnnxWalker(ByteSource& source, FindingSink& findings) : cursor_(source), findings_(findings) {}

  Status Walk(std::uint64_t end) { return WalkMessage(Message::kModel, end, 0, nullptr); }
  bool has_graph() const { return has_graph_; }

 private:
  // Walks fields up to `end`. `tensor` collects what a kTensor or kStringStringEntry holds.
  Status WalkMessage(Message type, std::uint64_t end, std::size_t depth, TensorPlacement* tensor) {
    if (depth > kMaxDepth)
      return Malformed("messages nest deeper than " + std::to_string(kMaxDepth));
    std::string entry_key, entry_value;
    while (cursor_.position() < end) {
      ASSIGN_OR_RETURN(const std::uint64_t key, cursor_.Varint(end));
      const std::uint64_t field = key >> 3;
      if (field == 0) return Malformed("field number 0");
      if (type == Message::kModel) RETURN_IF_ERROR(CheckModelField(field, key & 7));
      switch (key & 7) {
        case 0: {
          ASSIGN_OR_RETURN(const std::uint64_t value, cursor_.Varint(end));
          if (type == Message::kTensor && field == kTensorDataLocationField) {
            tensor->external = value == kDataLocationExternal;
          }
          break;
        }
        case 1:
          RETURN_IF_ERROR(SkipBytes(8, end));
          break;
        case 5:
          RETURN_IF_ERROR(SkipBytes(4, end));
          break;
        case 2: {
          ASSIGN_OR_RETURN(const std::uint64_t length, cursor_.Varint(end));
          if (length > end - cursor_.position()) return Malformed("length runs past its message");
          const std::uint64_t field_end = cursor_.position() + length;
          if (type == Message::kStringStringEntry && (field == 1 || field == 2)) {
            if (length > kMaxStringLength) return Malformed("external data entry too long");
            ASSIGN_OR_RETURN(std::string text, cursor_.String(length));
            (field == 1 ? entry_key : entry_value) = std::move(text);
          } else if (type == Message::kTensor && field == kTensorNameField &&
                     length <= kMaxStringLength) {
            ASSIGN_OR_RETURN(tensor->name, cursor_.String(length));
          } else if (const Message child = Child(type, field); child != Message::kOther) {
            RETURN_IF_ERROR(WalkChild(child, field_end, depth, tensor));
          }
          cursor_.SkipTo(field_end);
          break;
        }
        default:
          return Malformed("unsupported wire type " + std::to_string(key & 7));
      }
    }
    if (cursor_.position() != end) return Malformed("field runs past the end of its message");
    if (type == Message::kStringStringEntry && entry_key == "location") {
      tensor->location = std::move(entry_value);
    }
    return OkStatus();
  }

  // ModelProto's fields (onnx.proto, up to IR version 10) and their wire types.
  Status CheckModelField(std::uint64_t field, std::uint64_t wire_type) {
    std::uint64_t expected = 2;
    switch (field) {
      case 1:
      case 5:
        expected = 0;
        break;  // ir_version, model_version
      case 2:
      case 3:
      case 4:
      case 6:
      case 8:
      case 14:  // names, doc, opsets, metadata
      case 20:
      case 25:
      case 26:
        break;  // training, functions, configuration
      case 7:
        has_graph_ = true;
        break;
      default:
        return Malformed("ModelProto has field " + std::to_string(field) +
                         ", which ONNX does not define");
    }
    if (wire_type != expected) {
      return Malformed("ModelProto field " + std::to_string(field) + " has wire type " +
                       std::to_string(wire_type));
    }
    return OkStatus();
  }

  Status WalkChild(Message child, std::uint64_t end, std::size_t depth, TensorPlacement* parent) {
    if (child == Message::kStringStringEntry) return WalkMessage(child, end, depth + 1, parent);
    if (child != Message::kTensor) return WalkMessage(child, end, depth + 1, nullptr);
    const std::uint64_t start = cursor_.position();
    TensorPlacement tensor;
    RETURN_IF_ERROR(WalkMessage(child, end, depth + 1, &tensor));
    CheckTensor(tensor, start);
    return OkStatus();
  }

  void CheckTensor(const TensorPlacement& tensor, std::uint64_t offset) {
    const std::string subject = "tensor " + (tensor.name.empty() ? "(unnamed)" : tensor.name);
    if (tensor.location) {
      if (!ExternalDataLocationStaysInside(*tensor.location)) {
        findings_.Add({FindingKind::kEscapingExternalData, "", offset, *tensor.location,
                       subject + " reads external data from \"" + *tensor.location +
                           "\", outside the model's directory"});
      }
    } else if (tensor.external) {
      findings_.Add({FindingKind::kMalformedOnnx, "", offset, subject,
                     subject + " has external data without a location"});
    }
  }

  Status SkipBytes(std::uint64_t n, std::uint64_t end) {
    if (n > end - cursor_.position()) return Malformed("field runs past the end of its message");
    cursor_.SkipTo(cursor_.position() + n);
    return OkStatus();
  }

  Cursor cursor_;
  FindingSink& findings_;
  bool has_graph_ = false;
};

}  // namespace

bool ExternalDataLocationStaysInside(std::string_view location) {
  if (location.empty() || location[0] == '/' || location[0] == '\\') return false;
  if (location.size() >= 2 && location[1] == ':') return false;  // C:..., a Windows drive
  if (location.find('\0') != std::string_view::npos) return false;
  long depth = 0;
  std::size_t start = 0;
  while (start <= location.size()) {
    std::size_t stop = location.find_first_of("/\\", start);
    if (stop == std::string_view::npos) stop = location.size();
    const std::string_view part = location.substr(start, stop - start);
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = stop + 1;
  }
  return true;
}

StatusOr<bool> ScanOnnxModel(ByteSource& source, FindingSink& findings) {
  OnnxWalker walker(source, findings);
  const Status status = walker.Walk(source.size());
  if (status.code() == StatusCode::kMalformed) {
    findings.Add(
        {FindingKind::kMalformedOnnx, "", 0, "", "not a valid ONNX model: " + status.message()});
    return false;
  }
  RETURN_IF_ERROR(status);
  if (!walker.has_graph()) {
    findings.Add({FindingKind::kMalformedOnnx, "", 0, "", "ONNX model has no graph"});
    return false;
  }
  return true;
}

}  // namespace mlops::validation::security
