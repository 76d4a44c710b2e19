#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace mlops {

// The enums of the HTTP API (docs/http-api.md); their names are the wire values.
enum class ModelVersionStatus {
  kStaging,
  kPendingValidation,
  kValidationFailed,
  kValidated,
  kProduction,
  kDeprecated,
  kArchived,
};

enum class DeploymentStatus {
  kRequested,
  kDeploying,
  kActive,
  kInactiveBluegreen,
  kRollingOutCanary,
  kFailed,
  kRolledBack,
  kDeleted,
};

enum class ValidationStatus { kPending, kRunning, kPassed, kFailed, kWarning, kSkipped };

// The kinds of validation scan. Their wire values are the lower-case scan_type strings.
enum class ScanType {
  kSecurityArtifact,
  kSecurityContainer,
  kFunctionalIo,
  kPerformanceBenchmark,
  kContentSafety,
};

// Where a validation job is: waiting for a worker, held by one under a lease, or finished.
enum class ValidationJobState { kQueued, kRunning, kDone };

enum class ModelFormat {
  kOnnx,
  kTensorflowSavedmodel,
  kPytorchTorchscript,
  kCustomPythonContainer,
  kOther,
};

enum class ServingInterface {
  kTensorflowServing,
  kTorchserve,
  kTritonInferenceServer,
  kCustomFastapi,
  kCustomFlask,
};

std::string_view ToString(ModelVersionStatus v);
std::string_view ToString(DeploymentStatus v);
std::string_view ToString(ValidationStatus v);
std::string_view ToString(ScanType v);
std::string_view ToString(ValidationJobState v);
std::string_view ToString(ModelFormat v);
std::string_view ToString(ServingInterface v);

// Parses a wire value (exact case); nullopt for anything else.
template <typename Enum>
std::optional<Enum> ParseEnum(std::string_view text);

// Every value of an enum, in declaration order (for error messages and the OpenAPI document).
template <typename Enum>
std::span<const Enum> AllValues();

}  // namespace mlops
