#pragma once

// The part of ONNX Runtime's C API that the ONNX runtime adapter uses, declared here because the
// library we load (the prebuilt libonnxruntime.so.1 of the npm package onnxruntime-node) ships
// no headers. Transcribed from ONNX Runtime's public header
// include/onnxruntime/core/session/onnxruntime_c_api.h.
//
// OrtApi is a table of function pointers whose ORDER is the ABI: every slot up to the last one
// used is declared, in the header's order; slots we do not call are `void*` placeholders named
// in a comment. The table only ever grows at its end, and slots 0..101 (through
// ReleaseCustomOpDomain) are version 1 of the API, frozen since (the library asserts
// `offsetof(OrtApi, ReleaseCustomOpDomain) / sizeof(void*) == 101`); kOrtApiSlotsDeclared
// states it so a test can check the count.

#include <cstddef>
#include <cstdint>

namespace mlops::runtime::ort {

// The API version we request from OrtGetApiBase()->GetApi(): ORT_API_VERSION of the release
// scripts/install-deps.sh pins (onnxruntime-node 1.30.0). GetApi returns null for a library
// older than that, which the loader reports instead of calling into a table it does not have.
inline constexpr std::uint32_t kOrtApiVersion = 30;
inline constexpr const char* kOrtPinnedVersion = "1.30.0";
inline constexpr std::size_t kOrtApiSlotsDeclared = 102;

extern "C" {

struct OrtEnv;
struct OrtStatus;
struct OrtMemoryInfo;
struct OrtSession;
struct OrtValue;
struct OrtRunOptions;
struct OrtTypeInfo;
struct OrtTensorTypeAndShapeInfo;
struct OrtSessionOptions;
struct OrtAllocator;

enum ONNXTensorElementDataType {
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED = 0,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT = 1,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 = 2,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 = 3,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 = 4,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 = 5,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 = 6,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 = 7,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING = 8,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL = 9,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 = 10,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE = 11,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 = 12,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 = 13,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64 = 14,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128 = 15,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 = 16,
};

enum ONNXType {
  ONNX_TYPE_UNKNOWN = 0,
  ONNX_TYPE_TENSOR = 1,
  ONNX_TYPE_SEQUENCE = 2,
  ONNX_TYPE_MAP = 3,
  ONNX_TYPE_OPAQUE = 4,
  ONNX_TYPE_SPARSETENSOR = 5,
  ONNX_TYPE_OPTIONAL = 6,
};

enum OrtLoggingLevel {
  ORT_LOGGING_LEVEL_VERBOSE = 0,
  ORT_LOGGING_LEVEL_INFO = 1,
  ORT_LOGGING_LEVEL_WARNING = 2,
  ORT_LOGGING_LEVEL_ERROR = 3,
  ORT_LOGGING_LEVEL_FATAL = 4,
};

enum OrtErrorCode {
  ORT_OK = 0,
  ORT_FAIL = 1,
  ORT_INVALID_ARGUMENT = 2,
  ORT_NO_SUCHFILE = 3,
  ORT_NO_MODEL = 4,
  ORT_ENGINE_ERROR = 5,
  ORT_RUNTIME_EXCEPTION = 6,
  ORT_INVALID_PROTOBUF = 7,
  ORT_MODEL_LOADED = 8,
  ORT_NOT_IMPLEMENTED = 9,
  ORT_INVALID_GRAPH = 10,
  ORT_EP_FAIL = 11,
};

enum GraphOptimizationLevel {
  ORT_DISABLE_ALL = 0,
  ORT_ENABLE_BASIC = 1,
  ORT_ENABLE_EXTENDED = 2,
  ORT_ENABLE_ALL = 99,
};

enum ExecutionMode {
  ORT_SEQUENTIAL = 0,
  ORT_PARALLEL = 1,
};

enum OrtAllocatorType {
  OrtInvalidAllocator = -1,
  OrtDeviceAllocator = 0,
  OrtArenaAllocator = 1,
};

enum OrtMemType {
  OrtMemTypeCPUInput = -2,
  OrtMemTypeCPUOutput = -1,
  OrtMemTypeCPU = OrtMemTypeCPUOutput,
  OrtMemTypeDefault = 0,
};

struct OrtApi;

struct OrtApiBase {
  const OrtApi* (*GetApi)(std::uint32_t version) noexcept;
  const char* (*GetVersionString)() noexcept;
};

// The library's one exported entry point.
using OrtGetApiBaseFunction = const OrtApiBase* (*)() noexcept;
inline constexpr const char* kOrtGetApiBaseSymbol = "OrtGetApiBase";

struct OrtApi {
  // 0-2: OrtStatus
  void* CreateStatus;
  OrtErrorCode (*GetErrorCode)(const OrtStatus* status) noexcept;
  const char* (*GetErrorMessage)(const OrtStatus* status) noexcept;
  // 3-6: OrtEnv
  OrtStatus* (*CreateEnv)(OrtLoggingLevel log_severity_level, const char* logid,
                          OrtEnv** out) noexcept;
  void* CreateEnvWithCustomLogger;
  void* EnableTelemetryEvents;
  void* DisableTelemetryEvents;
  // 7-9: OrtSession
  OrtStatus* (*CreateSession)(const OrtEnv* env, const char* model_path,
                              const OrtSessionOptions* options, OrtSession** out) noexcept;
  OrtStatus* (*CreateSessionFromArray)(const OrtEnv* env, const void* model_data,
                                       std::size_t model_data_length,
                                       const OrtSessionOptions* options, OrtSession** out) noexcept;
  OrtStatus* (*Run)(OrtSession* session, const OrtRunOptions* run_options,
                    const char* const* input_names, const OrtValue* const* inputs,
                    std::size_t input_len, const char* const* output_names,
                    std::size_t output_names_len, OrtValue** outputs) noexcept;
  // 10-25: OrtSessionOptions
  OrtStatus* (*CreateSessionOptions)(OrtSessionOptions** options) noexcept;
  void* SetOptimizedModelFilePath;
  void* CloneSessionOptions;
  OrtStatus* (*SetSessionExecutionMode)(OrtSessionOptions* options,
                                        ExecutionMode execution_mode) noexcept;
  void* EnableProfiling;
  void* DisableProfiling;
  void* EnableMemPattern;
  void* DisableMemPattern;
  OrtStatus* (*EnableCpuMemArena)(OrtSessionOptions* options) noexcept;
  OrtStatus* (*DisableCpuMemArena)(OrtSessionOptions* options) noexcept;
  void* SetSessionLogId;
  void* SetSessionLogVerbosityLevel;
  OrtStatus* (*SetSessionLogSeverityLevel)(OrtSessionOptions* options,
                                           int session_log_severity_level) noexcept;
  OrtStatus* (*SetSessionGraphOptimizationLevel)(OrtSessionOptions* options,
                                                 GraphOptimizationLevel level) noexcept;
  OrtStatus* (*SetIntraOpNumThreads)(OrtSessionOptions* options, int intra_op_num_threads) noexcept;
  OrtStatus* (*SetInterOpNumThreads)(OrtSessionOptions* options, int inter_op_num_threads) noexcept;
  // 26-29: custom ops
  void* CreateCustomOpDomain;
  void* CustomOpDomain_Add;
  void* AddCustomOpDomain;
  void* RegisterCustomOpsLibrary;
  // 30-38: OrtSession inputs and outputs
  OrtStatus* (*SessionGetInputCount)(const OrtSession* session, std::size_t* out) noexcept;
  OrtStatus* (*SessionGetOutputCount)(const OrtSession* session, std::size_t* out) noexcept;
  void* SessionGetOverridableInitializerCount;
  OrtStatus* (*SessionGetInputTypeInfo)(const OrtSession* session, std::size_t index,
                                        OrtTypeInfo** type_info) noexcept;
  OrtStatus* (*SessionGetOutputTypeInfo)(const OrtSession* session, std::size_t index,
                                         OrtTypeInfo** type_info) noexcept;
  void* SessionGetOverridableInitializerTypeInfo;
  OrtStatus* (*SessionGetInputName)(const OrtSession* session, std::size_t index,
                                    OrtAllocator* allocator, char** value) noexcept;
  OrtStatus* (*SessionGetOutputName)(const OrtSession* session, std::size_t index,
                                     OrtAllocator* allocator, char** value) noexcept;
  void* SessionGetOverridableInitializerName;
  // 39-47: OrtRunOptions
  void* CreateRunOptions;
  void* RunOptionsSetRunLogVerbosityLevel;
  void* RunOptionsSetRunLogSeverityLevel;
  void* RunOptionsSetRunTag;
  void* RunOptionsGetRunLogVerbosityLevel;
  void* RunOptionsGetRunLogSeverityLevel;
  void* RunOptionsGetRunTag;
  void* RunOptionsSetTerminate;
  void* RunOptionsUnsetTerminate;
  // 48-54: OrtValue
  void* CreateTensorAsOrtValue;
  OrtStatus* (*CreateTensorWithDataAsOrtValue)(const OrtMemoryInfo* info, void* p_data,
                                               std::size_t p_data_len, const std::int64_t* shape,
                                               std::size_t shape_len,
                                               ONNXTensorElementDataType type,
                                               OrtValue** out) noexcept;
  OrtStatus* (*IsTensor)(const OrtValue* value, int* out) noexcept;
  OrtStatus* (*GetTensorMutableData)(OrtValue* value, void** out) noexcept;
  void* FillStringTensor;
  void* GetStringTensorDataLength;
  void* GetStringTensorContent;
  // 55-56: OrtTypeInfo
  OrtStatus* (*CastTypeInfoToTensorInfo)(const OrtTypeInfo* type_info,
                                         const OrtTensorTypeAndShapeInfo** out) noexcept;
  OrtStatus* (*GetOnnxTypeFromTypeInfo)(const OrtTypeInfo* type_info, ONNXType* out) noexcept;
  // 57-64: OrtTensorTypeAndShapeInfo
  void* CreateTensorTypeAndShapeInfo;
  void* SetTensorElementType;
  void* SetDimensions;
  OrtStatus* (*GetTensorElementType)(const OrtTensorTypeAndShapeInfo* info,
                                     ONNXTensorElementDataType* out) noexcept;
  OrtStatus* (*GetDimensionsCount)(const OrtTensorTypeAndShapeInfo* info,
                                   std::size_t* out) noexcept;
  OrtStatus* (*GetDimensions)(const OrtTensorTypeAndShapeInfo* info, std::int64_t* dim_values,
                              std::size_t dim_values_length) noexcept;
  OrtStatus* (*GetSymbolicDimensions)(const OrtTensorTypeAndShapeInfo* info,
                                      const char* dim_params[],
                                      std::size_t dim_params_length) noexcept;
  OrtStatus* (*GetTensorShapeElementCount)(const OrtTensorTypeAndShapeInfo* info,
                                           std::size_t* out) noexcept;
  // 65-67: OrtValue type
  OrtStatus* (*GetTensorTypeAndShape)(const OrtValue* value,
                                      OrtTensorTypeAndShapeInfo** out) noexcept;
  void* GetTypeInfo;
  void* GetValueType;
  // 68-74: OrtMemoryInfo
  void* CreateMemoryInfo;
  OrtStatus* (*CreateCpuMemoryInfo)(OrtAllocatorType type, OrtMemType mem_type,
                                    OrtMemoryInfo** out) noexcept;
  void* CompareMemoryInfo;
  void* MemoryInfoGetName;
  void* MemoryInfoGetId;
  void* MemoryInfoGetMemType;
  void* MemoryInfoGetType;
  // 75-78: OrtAllocator
  void* AllocatorAlloc;
  OrtStatus* (*AllocatorFree)(OrtAllocator* allocator, void* p) noexcept;
  void* AllocatorGetInfo;
  OrtStatus* (*GetAllocatorWithDefaultOptions)(OrtAllocator** out) noexcept;
  // 79: OrtSessionOptions
  void* AddFreeDimensionOverride;
  // 80-84: non-tensor OrtValues
  void* GetValue;
  void* GetValueCount;
  void* CreateValue;
  void* CreateOpaqueValue;
  void* GetOpaqueValue;
  // 85-91: custom op kernels
  void* KernelInfoGetAttribute_float;
  void* KernelInfoGetAttribute_int64;
  void* KernelInfoGetAttribute_string;
  void* KernelContext_GetInputCount;
  void* KernelContext_GetOutputCount;
  void* KernelContext_GetInput;
  void* KernelContext_GetOutput;
  // 92-101: releases
  void (*ReleaseEnv)(OrtEnv* input) noexcept;
  void (*ReleaseStatus)(OrtStatus* input) noexcept;
  void (*ReleaseMemoryInfo)(OrtMemoryInfo* input) noexcept;
  void (*ReleaseSession)(OrtSession* input) noexcept;
  void (*ReleaseValue)(OrtValue* input) noexcept;
  void (*ReleaseRunOptions)(OrtRunOptions* input) noexcept;
  void (*ReleaseTypeInfo)(OrtTypeInfo* input) noexcept;
  void (*ReleaseTensorTypeAndShapeInfo)(OrtTensorTypeAndShapeInfo* input) noexcept;
  void (*ReleaseSessionOptions)(OrtSessionOptions* input) noexcept;
  void* ReleaseCustomOpDomain;
};

}  // extern "C"

static_assert(sizeof(OrtApi) == kOrtApiSlotsDeclared * sizeof(void*),
              "OrtApi must declare every slot up to ReleaseCustomOpDomain (101), in order");
// Slot numbers as the header orders them: a slip in a placeholder run above moves these.
static_assert(offsetof(OrtApi, CreateSession) / sizeof(void*) == 7);
static_assert(offsetof(OrtApi, Run) / sizeof(void*) == 9);
static_assert(offsetof(OrtApi, SetInterOpNumThreads) / sizeof(void*) == 25);
static_assert(offsetof(OrtApi, SessionGetInputCount) / sizeof(void*) == 30);
static_assert(offsetof(OrtApi, CreateTensorWithDataAsOrtValue) / sizeof(void*) == 49);
static_assert(offsetof(OrtApi, CastTypeInfoToTensorInfo) / sizeof(void*) == 55);
static_assert(offsetof(OrtApi, GetTensorTypeAndShape) / sizeof(void*) == 65);
static_assert(offsetof(OrtApi, CreateCpuMemoryInfo) / sizeof(void*) == 69);
static_assert(offsetof(OrtApi, GetAllocatorWithDefaultOptions) / sizeof(void*) == 78);
static_assert(offsetof(OrtApi, ReleaseEnv) / sizeof(void*) == 92);
static_assert(offsetof(OrtApi, ReleaseCustomOpDomain) / sizeof(void*) == 101);

}  // namespace mlops::runtime::ort
