#include "opencv_dnn_runtime.h"

#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <utility>

#include "runtime/onnx_model_check.h"

namespace mlops::bench {

using namespace runtime;  // NOLINT: a bench-only adapter over the runtime types
namespace {

// The OpenCV depth a tensor is fed as, and the type it becomes.
struct CvFeed {
  int depth;
  ElementType fed_as;
};

StatusOr<CvFeed> CvFeedFor(ElementType type) {
  switch (type) {
    case ElementType::kFloat32:
      return CvFeed{CV_32F, ElementType::kFloat32};
    case ElementType::kFloat64:
      return CvFeed{CV_32F, ElementType::kFloat32};
    case ElementType::kInt8:
    case ElementType::kInt16:
    case ElementType::kInt32:
    case ElementType::kInt64:
    case ElementType::kUint16:
    case ElementType::kUint32:
    case ElementType::kUint64:
      return CvFeed{CV_32S, ElementType::kInt32};
    case ElementType::kUint8:
    case ElementType::kBool:
      return CvFeed{CV_8U, ElementType::kUint8};
    default:
      return NotImplemented("OpenCV DNN cannot take " + std::string(ToString(type)) + " inputs");
  }
}

template <typename T>
const T* ElementsOf(const Tensor& tensor) {
  return reinterpret_cast<const T*>(tensor.data.data());
}

// Converts each element of `tensor` into `out` (of the fed depth), element by element.
template <typename To>
void ConvertElements(const Tensor& tensor, To* out, std::size_t count) {
  auto convert = [&](const auto* in) {
    for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<To>(in[i]);
  };
  switch (tensor.type) {
    case ElementType::kFloat32:
      return convert(ElementsOf<float>(tensor));
    case ElementType::kFloat64:
      return convert(ElementsOf<double>(tensor));
    case ElementType::kInt8:
      return convert(ElementsOf<std::int8_t>(tensor));
    case ElementType::kInt16:
      return convert(ElementsOf<std::int16_t>(tensor));
    case ElementType::kInt32:
      return convert(ElementsOf<std::int32_t>(tensor));
    case ElementType::kInt64:
      return convert(ElementsOf<std::int64_t>(tensor));
    case ElementType::kUint8:
    case ElementType::kBool:
      return convert(ElementsOf<std::uint8_t>(tensor));
    case ElementType::kUint16:
      return convert(ElementsOf<std::uint16_t>(tensor));
    case ElementType::kUint32:
      return convert(ElementsOf<std::uint32_t>(tensor));
    case ElementType::kUint64:
      return convert(ElementsOf<std::uint64_t>(tensor));
    default:
      return;  // CvFeedFor refused it
  }
}

StatusOr<cv::Mat> ToBlob(const Tensor& tensor) {
  ASSIGN_OR_RETURN(CvFeed feed, CvFeedFor(tensor.type));
  std::vector<int> sizes;
  std::size_t count = 1;
  for (std::int64_t dim : tensor.shape) {
    if (dim < 0 || dim > std::numeric_limits<int>::max()) {
      return InvalidArgument("input '" + tensor.name + "' has a dimension OpenCV cannot hold");
    }
    sizes.push_back(static_cast<int>(dim));
    count *= static_cast<std::size_t>(dim);
  }
  if (tensor.data.size() != count * ElementSize(tensor.type)) {
    return InvalidArgument("input '" + tensor.name + "' holds the wrong number of bytes");
  }
  if (sizes.empty()) sizes.push_back(1);  // a scalar: OpenCV has no 0-d Mat
  cv::Mat blob(static_cast<int>(sizes.size()), sizes.data(), feed.depth);
  if (feed.depth == CV_32F) ConvertElements(tensor, blob.ptr<float>(), count);
  if (feed.depth == CV_32S) ConvertElements(tensor, blob.ptr<std::int32_t>(), count);
  if (feed.depth == CV_8U) ConvertElements(tensor, blob.ptr<std::uint8_t>(), count);
  return blob;
}

StatusOr<Tensor> FromBlob(const std::string& name, const cv::Mat& blob) {
  Tensor tensor;
  tensor.name = name;
  switch (blob.depth()) {
    case CV_32F:
      tensor.type = ElementType::kFloat32;
      break;
    case CV_32S:
      tensor.type = ElementType::kInt32;
      break;
    case CV_8U:
      tensor.type = ElementType::kUint8;
      break;
    case CV_64F:
      tensor.type = ElementType::kFloat64;
      break;
    default:
      return Internal("OpenCV DNN returned output '" + name + "' of an unexpected depth");
  }
  for (int i = 0; i < blob.dims; ++i) tensor.shape.push_back(blob.size[i]);
  const cv::Mat dense = blob.isContinuous() ? blob : blob.clone();
  const auto* bytes = reinterpret_cast<const std::byte*>(dense.data);
  tensor.data.assign(bytes, bytes + dense.total() * dense.elemSize());
  return tensor;
}

class OnnxLoadedModel final : public LoadedModel {
 public:
  OnnxLoadedModel(IoSignature signature, cv::dnn::Net net)
      : signature_(std::move(signature)), net_(std::move(net)) {
    for (const TensorSpec& output : signature_.outputs) output_names_.push_back(output.name);
  }

  const IoSignature& signature() const override { return signature_; }

 private:
  StatusOr<std::vector<Tensor>> RunImpl(const std::vector<Tensor>& inputs) override {
    try {
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        ASSIGN_OR_RETURN(cv::Mat blob, ToBlob(inputs[i]));
        net_.setInput(blob, signature_.inputs[i].name);
      }
      std::vector<cv::Mat> blobs;
      net_.forward(blobs, output_names_);
      if (blobs.size() != output_names_.size()) {
        return Internal("OpenCV DNN returned " + std::to_string(blobs.size()) + " outputs for " +
                        std::to_string(output_names_.size()));
      }
      std::vector<Tensor> outputs;
      for (std::size_t i = 0; i < blobs.size(); ++i) {
        ASSIGN_OR_RETURN(Tensor output, FromBlob(output_names_[i], blobs[i]));
        outputs.push_back(std::move(output));
      }
      return outputs;
    } catch (const std::exception& e) {  // cv::Exception, and whatever OpenCV lets through
      return InvalidArgument(std::string("OpenCV DNN: ") + e.what());
    }
  }

  IoSignature signature_;
  cv::dnn::Net net_;
  std::vector<cv::String> output_names_;
};

}  // namespace

StatusOr<std::unique_ptr<LoadedModel>> OpenCvDnnRuntime::Load(
    const std::filesystem::path& model_file) {
  ASSIGN_OR_RETURN(std::string bytes, ReadOnnxModelFile(model_file));
  ASSIGN_OR_RETURN(OnnxModelCheck check, CheckOnnxModel(bytes));
  IoSignature signature = std::move(check.signature);
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
    if (net.empty()) return InvalidArgument("OpenCV DNN: the ONNX model imported as an empty net");
    return std::unique_ptr<LoadedModel>(
        std::make_unique<OnnxLoadedModel>(std::move(signature), std::move(net)));
  } catch (const std::exception& e) {  // cv::Exception, and whatever OpenCV lets through
    return InvalidArgument(std::string("OpenCV DNN: ") + e.what());
  }
}

}  // namespace mlops::bench
