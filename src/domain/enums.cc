#include "domain/enums.h"

#include <array>
#include <utility>

namespace mlops {
namespace {

template <typename Enum>
struct Names;

template <>
struct Names<ModelVersionStatus> {
  static constexpr std::array<std::pair<ModelVersionStatus, std::string_view>, 7> kAll{{
      {ModelVersionStatus::kStaging, "STAGING"},
      {ModelVersionStatus::kPendingValidation, "PENDING_VALIDATION"},
      {ModelVersionStatus::kValidationFailed, "VALIDATION_FAILED"},
      {ModelVersionStatus::kValidated, "VALIDATED"},
      {ModelVersionStatus::kProduction, "PRODUCTION"},
      {ModelVersionStatus::kDeprecated, "DEPRECATED"},
      {ModelVersionStatus::kArchived, "ARCHIVED"},
  }};
};

template <>
struct Names<DeploymentStatus> {
  static constexpr std::array<std::pair<DeploymentStatus, std::string_view>, 8> kAll{{
      {DeploymentStatus::kRequested, "REQUESTED"},
      {DeploymentStatus::kDeploying, "DEPLOYING"},
      {DeploymentStatus::kActive, "ACTIVE"},
      {DeploymentStatus::kInactiveBluegreen, "INACTIVE_BLUEGREEN"},
      {DeploymentStatus::kRollingOutCanary, "ROLLING_OUT_CANARY"},
      {DeploymentStatus::kFailed, "FAILED"},
      {DeploymentStatus::kRolledBack, "ROLLED_BACK"},
      {DeploymentStatus::kDeleted, "DELETED"},
  }};
};

template <>
struct Names<ValidationStatus> {
  static constexpr std::array<std::pair<ValidationStatus, std::string_view>, 6> kAll{{
      {ValidationStatus::kPending, "PENDING"},
      {ValidationStatus::kRunning, "RUNNING"},
      {ValidationStatus::kPassed, "PASSED"},
      {ValidationStatus::kFailed, "FAILED"},
      {ValidationStatus::kWarning, "WARNING"},
      {ValidationStatus::kSkipped, "SKIPPED"},
  }};
};

template <>
struct Names<ScanType> {
  static constexpr std::array<std::pair<ScanType, std::string_view>, 5> kAll{{
      {ScanType::kSecurityArtifact, "security_artifact"},
      {ScanType::kSecurityContainer, "security_container"},
      {ScanType::kFunctionalIo, "functional_io"},
      {ScanType::kPerformanceBenchmark, "performance_benchmark"},
      {ScanType::kContentSafety, "content_safety"},
  }};
};

template <>
struct Names<ValidationJobState> {
  static constexpr std::array<std::pair<ValidationJobState, std::string_view>, 3> kAll{{
      {ValidationJobState::kQueued, "QUEUED"},
      {ValidationJobState::kRunning, "RUNNING"},
      {ValidationJobState::kDone, "DONE"},
  }};
};

template <>
struct Names<ModelFormat> {
  static constexpr std::array<std::pair<ModelFormat, std::string_view>, 5> kAll{{
      {ModelFormat::kOnnx, "ONNX"},
      {ModelFormat::kTensorflowSavedmodel, "TENSORFLOW_SAVEDMODEL"},
      {ModelFormat::kPytorchTorchscript, "PYTORCH_TORCHSCRIPT"},
      {ModelFormat::kCustomPythonContainer, "CUSTOM_PYTHON_CONTAINER"},
      {ModelFormat::kOther, "OTHER"},
  }};
};

template <>
struct Names<ServingInterface> {
  static constexpr std::array<std::pair<ServingInterface, std::string_view>, 5> kAll{{
      {ServingInterface::kTensorflowServing, "TENSORFLOW_SERVING"},
      {ServingInterface::kTorchserve, "TORCHSERVE"},
      {ServingInterface::kTritonInferenceServer, "TRITON_INFERENCE_SERVER"},
      {ServingInterface::kCustomFastapi, "CUSTOM_FASTAPI"},
      {ServingInterface::kCustomFlask, "CUSTOM_FLASK"},
  }};
};

template <typename Enum>
std::string_view NameOf(Enum v) {
  for (const auto& [value, name] : Names<Enum>::kAll) {
    if (value == v) return name;
  }
  return "UNKNOWN";
}

template <typename Enum>
struct ValueList {
  static constexpr auto kValues = [] {
    std::array<Enum, Names<Enum>::kAll.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = Names<Enum>::kAll[i].first;
    return out;
  }();
};

}  // namespace

std::string_view ToString(ModelVersionStatus v) { return NameOf(v); }
std::string_view ToString(DeploymentStatus v) { return NameOf(v); }
std::string_view ToString(ValidationStatus v) { return NameOf(v); }
std::string_view ToString(ScanType v) { return NameOf(v); }
std::string_view ToString(ValidationJobState v) { return NameOf(v); }
std::string_view ToString(ModelFormat v) { return NameOf(v); }
std::string_view ToString(ServingInterface v) { return NameOf(v); }

template <typename Enum>
std::optional<Enum> ParseEnum(std::string_view text) {
  for (const auto& [value, name] : Names<Enum>::kAll) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <typename Enum>
std::span<const Enum> AllValues() {
  return ValueList<Enum>::kValues;
}

#define MLOPS_INSTANTIATE_ENUM(Enum)                                   \
  template std::optional<Enum> ParseEnum<Enum>(std::string_view text); \
  template std::span<const Enum> AllValues<Enum>();

MLOPS_INSTANTIATE_ENUM(ModelVersionStatus)
MLOPS_INSTANTIATE_ENUM(DeploymentStatus)
MLOPS_INSTANTIATE_ENUM(ValidationStatus)
MLOPS_INSTANTIATE_ENUM(ScanType)
MLOPS_INSTANTIATE_ENUM(ValidationJobState)
MLOPS_INSTANTIATE_ENUM(ModelFormat)
MLOPS_INSTANTIATE_ENUM(ServingInterface)

}  // namespace mlops
