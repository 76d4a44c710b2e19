#include "runtime/onnx_model_runtime.h"

#include <dlfcn.h>

#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/onnx_model_check.h"
#include "runtime/onnxruntime_c_api.h"

namespace mlops::runtime {
namespace {

using ort::OrtApi;

constexpr const char* kLibraryFile = "libonnxruntime.so.1";

// What LoadOnnxRuntime sets up once per process; never released (sessions may outlive any
// owner, and ONNX Runtime's environment must outlive its sessions).
struct OrtLibrary {
  const OrtApi* api = nullptr;
  ort::OrtEnv* env = nullptr;
  ort::OrtMemoryInfo* cpu_memory = nullptr;
  ort::OrtAllocator* allocator = nullptr;  // the library's default one, not to be freed
  std::string version;
};

// The loaded library; set once, by the first successful LoadOnnxRuntime.
const OrtLibrary* g_library = nullptr;

// The library's message, the status released; OK for a null status (success).
Status FromOrtStatus(const OrtApi& api, ort::OrtStatus* status, const std::string& context) {
  if (status == nullptr) return OkStatus();
  std::string message = context + ": " + api.GetErrorMessage(status);
  api.ReleaseStatus(status);
  return InvalidArgument("ONNX Runtime: " + message);
}

#define RETURN_IF_ORT_ERROR(api, call, context) \
  RETURN_IF_ERROR(FromOrtStatus((api), (api).call, (context)))

// Owners of the library's objects, released through the API table.
struct ReleaseOrt {
  void operator()(ort::OrtSession* p) const { g_library->api->ReleaseSession(p); }
  void operator()(ort::OrtSessionOptions* p) const { g_library->api->ReleaseSessionOptions(p); }
  void operator()(ort::OrtValue* p) const { g_library->api->ReleaseValue(p); }
  void operator()(ort::OrtTypeInfo* p) const { g_library->api->ReleaseTypeInfo(p); }
  void operator()(ort::OrtTensorTypeAndShapeInfo* p) const {
    g_library->api->ReleaseTensorTypeAndShapeInfo(p);
  }
};
template <typename T>
using OrtPtr = std::unique_ptr<T, ReleaseOrt>;

std::filesystem::path ExecutableDirectory() {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : executable.parent_path();
}

StatusOr<const OrtLibrary*> OpenLibrary(const std::string& configured_path) {
  const std::string path =
      configured_path.empty() ? DefaultOnnxRuntimeLibraryPath().string() : configured_path;
  const std::string remedy =
      configured_path.empty()
          ? " (install it with scripts/install-deps.sh, or set MLOPS_ONNXRUNTIME_LIBRARY)"
          : " (MLOPS_ONNXRUNTIME_LIBRARY)";
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return NotImplemented(std::string("ONNX Runtime did not load: ") + dlerror() + remedy);
  }
  auto get_api_base =
      reinterpret_cast<ort::OrtGetApiBaseFunction>(dlsym(handle, ort::kOrtGetApiBaseSymbol));
  if (get_api_base == nullptr) {
    return NotImplemented(path + " is not ONNX Runtime: it has no " + ort::kOrtGetApiBaseSymbol);
  }
  const ort::OrtApiBase* base = get_api_base();
  auto library = std::make_unique<OrtLibrary>();
  library->version = base->GetVersionString();
  library->api = base->GetApi(ort::kOrtApiVersion);
  if (library->api == nullptr) {
    return NotImplemented("ONNX Runtime " + library->version + " at " + path +
                          " does not offer C API version " + std::to_string(ort::kOrtApiVersion) +
                          " (ONNX Runtime " + ort::kOrtPinnedVersion + " or newer is needed)");
  }
  const OrtApi& api = *library->api;
  // Failing here is the library's fault, not a model's: Internal, not InvalidArgument.
  const auto setup = [&api](ort::OrtStatus* status, const char* step) -> Status {
    const Status failed = FromOrtStatus(api, status, step);
    return failed.ok() ? failed : Internal(failed.message());
  };
  RETURN_IF_ERROR(setup(api.CreateEnv(ort::ORT_LOGGING_LEVEL_ERROR, "mlops", &library->env),
                        "creating the environment"));
  RETURN_IF_ERROR(setup(api.CreateCpuMemoryInfo(ort::OrtDeviceAllocator, ort::OrtMemTypeDefault,
                                                &library->cpu_memory),
                        "describing CPU memory"));
  RETURN_IF_ERROR(setup(api.GetAllocatorWithDefaultOptions(&library->allocator),
                        "getting the default allocator"));
  return library.release();
}

StatusOr<ort::GraphOptimizationLevel> ParseOptimizationLevel(const std::string& level) {
  if (level == "disable") return ort::ORT_DISABLE_ALL;
  if (level == "basic") return ort::ORT_ENABLE_BASIC;
  if (level == "extended") return ort::ORT_ENABLE_EXTENDED;
  if (level == "all") return ort::ORT_ENABLE_ALL;
  return InvalidArgument(
      "the ONNX Runtime graph optimisation level must be disable, basic, "
      "extended or all, not '" +
      level + "'");
}

struct TypeMapping {
  ort::ONNXTensorElementDataType ort;
  ElementType ours;
};
constexpr TypeMapping kTypes[] = {
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, ElementType::kFloat32},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, ElementType::kFloat64},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, ElementType::kFloat16},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16, ElementType::kBfloat16},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8, ElementType::kInt8},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, ElementType::kInt16},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, ElementType::kInt32},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, ElementType::kInt64},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, ElementType::kUint8},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, ElementType::kUint16},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, ElementType::kUint32},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, ElementType::kUint64},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, ElementType::kBool},
    {ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, ElementType::kString},
};

ElementType FromOrtType(ort::ONNXTensorElementDataType type) {
  for (const TypeMapping& mapping : kTypes) {
    if (mapping.ort == type) return mapping.ours;
  }
  return ElementType::kUnknown;  // complex numbers
}

ort::ONNXTensorElementDataType ToOrtType(ElementType type) {
  for (const TypeMapping& mapping : kTypes) {
    if (mapping.ours == type) return mapping.ort;
  }
  return ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
}

// The element type and dimensions of a tensor type info or value.
struct TypeAndShape {
  ElementType type = ElementType::kUnknown;
  std::vector<std::int64_t> dims;      // -1 where the model leaves a dimension open
  std::vector<std::string> dim_names;  // symbolic names, "" for none; empty if none is named
};

StatusOr<TypeAndShape> ReadTypeAndShape(const OrtApi& api,
                                        const ort::OrtTensorTypeAndShapeInfo* info,
                                        const std::string& what) {
  ort::ONNXTensorElementDataType element = ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  RETURN_IF_ORT_ERROR(api, GetTensorElementType(info, &element), what);
  std::size_t rank = 0;
  RETURN_IF_ORT_ERROR(api, GetDimensionsCount(info, &rank), what);
  TypeAndShape result;
  result.type = FromOrtType(element);
  result.dims.resize(rank);
  RETURN_IF_ORT_ERROR(api, GetDimensions(info, result.dims.data(), rank), what);
  for (std::int64_t& dim : result.dims) {
    if (dim < 0) dim = kDynamicDim;
  }
  std::vector<const char*> names(rank, nullptr);
  RETURN_IF_ORT_ERROR(api, GetSymbolicDimensions(info, names.data(), rank), what);
  for (const char* name : names) {
    if (name != nullptr && *name != '\0') {
      for (const char* each : names) result.dim_names.emplace_back(each == nullptr ? "" : each);
      break;
    }
  }
  return result;
}

// One input or output of a session, as the session's metadata describes it.
StatusOr<TensorSpec> DescribeSessionValue(const OrtApi& api, const ort::OrtSession* session,
                                          std::size_t index, bool input) {
  const std::string side = input ? "input " : "output ";
  char* raw_name = nullptr;
  const auto get_name = input ? api.SessionGetInputName : api.SessionGetOutputName;
  RETURN_IF_ERROR(FromOrtStatus(api, get_name(session, index, g_library->allocator, &raw_name),
                                "reading the name of " + side + std::to_string(index)));
  TensorSpec spec;
  spec.name = raw_name;
  RETURN_IF_ORT_ERROR(api, AllocatorFree(g_library->allocator, raw_name), "freeing a name");

  ort::OrtTypeInfo* raw_info = nullptr;
  const auto get_type = input ? api.SessionGetInputTypeInfo : api.SessionGetOutputTypeInfo;
  RETURN_IF_ERROR(FromOrtStatus(api, get_type(session, index, &raw_info),
                                "reading the type of " + side + "'" + spec.name + "'"));
  const OrtPtr<ort::OrtTypeInfo> info(raw_info);
  ort::ONNXType kind = ort::ONNX_TYPE_UNKNOWN;
  RETURN_IF_ORT_ERROR(api, GetOnnxTypeFromTypeInfo(info.get(), &kind), spec.name);
  if (kind != ort::ONNX_TYPE_TENSOR) {
    return InvalidArgument("ONNX " + side + "'" + spec.name +
                           "' is not a tensor (sequences, maps and optionals are not supported)");
  }
  const ort::OrtTensorTypeAndShapeInfo* tensor_info = nullptr;
  RETURN_IF_ORT_ERROR(api, CastTypeInfoToTensorInfo(info.get(), &tensor_info), spec.name);
  ASSIGN_OR_RETURN(TypeAndShape type_and_shape, ReadTypeAndShape(api, tensor_info, spec.name));
  spec.type = type_and_shape.type;
  spec.shape = std::move(type_and_shape.dims);
  spec.dim_names = std::move(type_and_shape.dim_names);
  return spec;
}

StatusOr<IoSignature> SessionSignature(const OrtApi& api, const ort::OrtSession* session) {
  std::size_t input_count = 0;
  std::size_t output_count = 0;
  RETURN_IF_ORT_ERROR(api, SessionGetInputCount(session, &input_count), "counting inputs");
  RETURN_IF_ORT_ERROR(api, SessionGetOutputCount(session, &output_count), "counting outputs");
  IoSignature signature;
  for (std::size_t i = 0; i < input_count; ++i) {
    ASSIGN_OR_RETURN(TensorSpec spec, DescribeSessionValue(api, session, i, /*input=*/true));
    signature.inputs.push_back(std::move(spec));
  }
  for (std::size_t i = 0; i < output_count; ++i) {
    ASSIGN_OR_RETURN(TensorSpec spec, DescribeSessionValue(api, session, i, /*input=*/false));
    signature.outputs.push_back(std::move(spec));
  }
  return signature;
}

StatusOr<OrtPtr<ort::OrtSessionOptions>> MakeSessionOptions(const OrtApi& api,
                                                            const OnnxRuntimeSettings& settings) {
  ASSIGN_OR_RETURN(ort::GraphOptimizationLevel level,
                   ParseOptimizationLevel(settings.graph_optimization_level));
  ort::OrtSessionOptions* raw = nullptr;
  RETURN_IF_ORT_ERROR(api, CreateSessionOptions(&raw), "creating session options");
  OrtPtr<ort::OrtSessionOptions> options(raw);
  RETURN_IF_ORT_ERROR(api, SetSessionLogSeverityLevel(raw, ort::ORT_LOGGING_LEVEL_ERROR),
                      "session log level");
  RETURN_IF_ORT_ERROR(api, SetSessionGraphOptimizationLevel(raw, level), "optimisation level");
  RETURN_IF_ORT_ERROR(api, SetIntraOpNumThreads(raw, settings.intra_op_threads),
                      "intra-op threads");
  RETURN_IF_ORT_ERROR(api, SetInterOpNumThreads(raw, settings.inter_op_threads),
                      "inter-op threads");
  if (settings.inter_op_threads > 1) {
    RETURN_IF_ORT_ERROR(api, SetSessionExecutionMode(raw, ort::ORT_PARALLEL), "execution mode");
  }
  RETURN_IF_ERROR(FromOrtStatus(
      api, settings.cpu_memory_arena ? api.EnableCpuMemArena(raw) : api.DisableCpuMemArena(raw),
      "memory arena"));
  return options;
}

// Wraps `tensor`'s bytes (not copied: the tensor must outlive the value) as an input value.
StatusOr<OrtPtr<ort::OrtValue>> InputValue(const OrtApi& api, const Tensor& tensor) {
  const ort::ONNXTensorElementDataType type = ToOrtType(tensor.type);
  if (tensor.type == ElementType::kString || type == ort::ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED) {
    return InvalidArgument("input '" + tensor.name + "' is of type " +
                           std::string(ToString(tensor.type)) +
                           ", which the runtime cannot feed (string tensors are not supported)");
  }
  std::size_t count = 1;
  for (std::int64_t dim : tensor.shape) {
    if (dim < 0) return InvalidArgument("input '" + tensor.name + "' has a negative dimension");
    if (dim != 0 && count > std::numeric_limits<std::size_t>::max() / static_cast<std::size_t>(dim))
      return InvalidArgument("input '" + tensor.name + "' has too many elements");
    count *= static_cast<std::size_t>(dim);
  }
  if (count > tensor.data.size() || tensor.data.size() != count * ElementSize(tensor.type)) {
    return InvalidArgument("input '" + tensor.name + "' holds " +
                           std::to_string(tensor.data.size()) + " bytes, its shape needs " +
                           std::to_string(count * ElementSize(tensor.type)));
  }
  // ONNX Runtime reads inputs only; an empty tensor still needs a non-null pointer.
  static std::byte empty_placeholder[8];
  void* data = tensor.data.empty() ? empty_placeholder : const_cast<std::byte*>(tensor.data.data());
  ort::OrtValue* raw = nullptr;
  RETURN_IF_ORT_ERROR(
      api,
      CreateTensorWithDataAsOrtValue(g_library->cpu_memory, data, tensor.data.size(),
                                     tensor.shape.data(), tensor.shape.size(), type, &raw),
      "input '" + tensor.name + "'");
  return OrtPtr<ort::OrtValue>(raw);
}

StatusOr<Tensor> OutputTensor(const OrtApi& api, ort::OrtValue* value, const std::string& name) {
  int is_tensor = 0;
  RETURN_IF_ORT_ERROR(api, IsTensor(value, &is_tensor), "output '" + name + "'");
  if (is_tensor == 0) return InvalidArgument("output '" + name + "' is not a tensor");
  ort::OrtTensorTypeAndShapeInfo* raw_info = nullptr;
  RETURN_IF_ORT_ERROR(api, GetTensorTypeAndShape(value, &raw_info), "output '" + name + "'");
  const OrtPtr<ort::OrtTensorTypeAndShapeInfo> info(raw_info);
  ASSIGN_OR_RETURN(TypeAndShape type_and_shape, ReadTypeAndShape(api, info.get(), name));
  if (ElementSize(type_and_shape.type) == 0) {
    return InvalidArgument("output '" + name + "' is of type " +
                           std::string(ToString(type_and_shape.type)) +
                           ", which the runtime cannot return (string tensors are not supported)");
  }
  std::size_t count = 0;
  RETURN_IF_ORT_ERROR(api, GetTensorShapeElementCount(info.get(), &count), name);
  Tensor tensor;
  tensor.name = name;
  tensor.type = type_and_shape.type;
  tensor.shape = std::move(type_and_shape.dims);
  const std::size_t bytes = count * ElementSize(tensor.type);
  if (bytes > 0) {
    void* data = nullptr;
    RETURN_IF_ORT_ERROR(api, GetTensorMutableData(value, &data), name);
    const auto* begin = static_cast<const std::byte*>(data);
    tensor.data.assign(begin, begin + bytes);
  }
  return tensor;
}

class OnnxLoadedModel final : public LoadedModel {
 public:
  OnnxLoadedModel(IoSignature signature, OrtPtr<ort::OrtSession> session,
                  std::vector<std::string> notes)
      : signature_(std::move(signature)), session_(std::move(session)), notes_(std::move(notes)) {
    for (const TensorSpec& input : signature_.inputs) input_names_.push_back(input.name.c_str());
    for (const TensorSpec& output : signature_.outputs) {
      output_names_.push_back(output.name.c_str());
    }
  }

  const IoSignature& signature() const override { return signature_; }
  std::vector<std::string> load_notes() const override { return notes_; }

 private:
  StatusOr<std::vector<Tensor>> RunImpl(const std::vector<Tensor>& inputs) override {
    const OrtApi& api = *g_library->api;
    std::vector<OrtPtr<ort::OrtValue>> owned_inputs;
    std::vector<const ort::OrtValue*> input_values;
    for (const Tensor& input : inputs) {
      ASSIGN_OR_RETURN(OrtPtr<ort::OrtValue> value, InputValue(api, input));
      input_values.push_back(value.get());
      owned_inputs.push_back(std::move(value));
    }
    std::vector<ort::OrtValue*> raw_outputs(output_names_.size(), nullptr);
    ort::OrtStatus* status = api.Run(session_.get(), nullptr, input_names_.data(),
                                     input_values.data(), input_values.size(), output_names_.data(),
                                     output_names_.size(), raw_outputs.data());
    std::vector<OrtPtr<ort::OrtValue>> owned_outputs;
    for (ort::OrtValue* raw : raw_outputs) owned_outputs.emplace_back(raw);
    RETURN_IF_ERROR(FromOrtStatus(api, status, "running the model"));
    std::vector<Tensor> outputs;
    for (std::size_t i = 0; i < owned_outputs.size(); ++i) {
      if (owned_outputs[i] == nullptr) {
        return Internal("ONNX Runtime returned no value for output '" + signature_.outputs[i].name +
                        "'");
      }
      ASSIGN_OR_RETURN(Tensor output,
                       OutputTensor(api, owned_outputs[i].get(), signature_.outputs[i].name));
      outputs.push_back(std::move(output));
    }
    return outputs;
  }

  IoSignature signature_;
  OrtPtr<ort::OrtSession> session_;
  std::vector<std::string> notes_;
  std::vector<const char*> input_names_;  // point into signature_
  std::vector<const char*> output_names_;
};

}  // namespace

std::filesystem::path DefaultOnnxRuntimeLibraryPath() {
  const std::filesystem::path beside = ExecutableDirectory() / kLibraryFile;
  std::error_code error;
  if (!beside.parent_path().empty() && std::filesystem::exists(beside, error)) return beside;
  return kLibraryFile;  // a bare name: the dynamic linker's search path
}

Status ValidateOnnxRuntimeSettings(const OnnxRuntimeSettings& settings) {
  RETURN_IF_ERROR(ParseOptimizationLevel(settings.graph_optimization_level).status());
  if (settings.intra_op_threads < 0 || settings.inter_op_threads < 0) {
    return InvalidArgument("ONNX Runtime thread counts must be 0 (its default) or more");
  }
  return OkStatus();
}

StatusOr<std::string> LoadOnnxRuntime(const OnnxRuntimeSettings& settings) {
  static std::mutex mutex;
  static Status last_failure = OkStatus();
  const std::lock_guard<std::mutex> lock(mutex);
  if (g_library == nullptr) {
    // A failure is remembered: dlopen of a missing library is not retried on every scan.
    if (!last_failure.ok()) return last_failure;
    StatusOr<const OrtLibrary*> library = OpenLibrary(settings.library_path);
    if (!library.ok()) {
      last_failure = library.status();
      return last_failure;
    }
    g_library = *library;
  }
  return g_library->version;
}

StatusOr<std::unique_ptr<LoadedModel>> OnnxModelRuntime::Load(
    const std::filesystem::path& model_file) {
  RETURN_IF_ERROR(ValidateOnnxRuntimeSettings(settings_));
  ASSIGN_OR_RETURN(std::string bytes, ReadOnnxModelFile(model_file));
  ASSIGN_OR_RETURN(OnnxModelCheck check, CheckOnnxModel(bytes));
  RETURN_IF_ERROR(LoadOnnxRuntime(settings_).status());
  const OrtApi& api = *g_library->api;
  ASSIGN_OR_RETURN(OrtPtr<ort::OrtSessionOptions> options, MakeSessionOptions(api, settings_));
  ort::OrtSession* raw_session = nullptr;
  RETURN_IF_ORT_ERROR(api,
                      CreateSessionFromArray(g_library->env, bytes.data(), bytes.size(),
                                             options.get(), &raw_session),
                      "loading the model");
  OrtPtr<ort::OrtSession> session(raw_session);
  ASSIGN_OR_RETURN(IoSignature signature, SessionSignature(api, session.get()));
  std::vector<std::string> notes;
  if (!check.skipped.empty()) notes.push_back(check.skipped);
  return std::unique_ptr<LoadedModel>(std::make_unique<OnnxLoadedModel>(
      std::move(signature), std::move(session), std::move(notes)));
}

}  // namespace mlops::runtime
