#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/time.h"
#include "domain/enums.h"
#include "domain/roles.h"

namespace mlops {

// Free-form JSON objects (parameters, metrics, feedback_data) travel through the domain as their
// serialized text, so the domain stays independent of any JSON library. The HTTP layer guarantees
// the text is a JSON object.
using JsonText = std::string;

// A registered model (docs/http-api.md "model").
struct Model {
  std::string id;
  std::string name;
  std::optional<std::string> description;
  std::string task_type;
  std::optional<std::string> owner_id;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// A model version (docs/http-api.md "version"), with what we learn about its artifact.
struct ModelVersion {
  std::string id;
  std::string model_id;
  std::string version_string;
  std::optional<std::string> description;
  std::string artifact_path;  // <bucket>/<key>
  ModelFormat model_format = ModelFormat::kOther;
  ServingInterface interface_type = ServingInterface::kCustomFastapi;
  std::optional<JsonText> parameters;
  std::optional<JsonText> metrics;
  ModelVersionStatus status = ModelVersionStatus::kPendingValidation;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::optional<std::string> created_by_user_id;
  std::int64_t artifact_size_bytes = 0;
  std::string artifact_sha256;
  // What the validation pipeline learnt: the input/output signature functional_io observed, and
  // the decision of the last run that moved the status (a JSON object naming its result ids).
  std::optional<JsonText> io_signature;
  std::optional<JsonText> validation_decision;
};

// A validation result (docs/http-api.md "Validation"): one scan of one version, created PENDING by
// a trigger and finished by the job that runs the scan.
struct ValidationResult {
  std::string id;
  std::string model_version_id;
  std::string trigger_id;  // the results of one trigger decide the version's status together
  ScanType scan_type = ScanType::kSecurityArtifact;
  ValidationStatus status = ValidationStatus::kPending;
  std::optional<std::string> summary;
  std::optional<JsonText> details;          // the scanner's short JSON summary, once finished
  std::optional<std::string> details_path;  // <bucket>/<key> of the full JSON report
  TimestampMs validated_at = 0;             // when the status last changed
  std::optional<std::string> validated_by_user_id;
  TimestampMs created_at = 0;
};

// The work behind one PENDING result, persisted so that it survives restarts. A worker holds a
// RUNNING job under a lease (a token and an expiry it renews); only the lease holder may finish it.
struct ValidationJob {
  std::string result_id;  // one job per result, for its whole life
  std::string trigger_id;
  std::string model_version_id;
  ScanType scan_type = ScanType::kSecurityArtifact;
  ValidationJobState state = ValidationJobState::kQueued;
  int attempts = 0;  // claims so far, the current one included
  std::optional<std::string> lease_token;
  std::optional<TimestampMs> lease_expires_at;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// Feedback on a version (docs/http-api.md "Feedback").
struct Feedback {
  std::string id;
  std::string model_version_id;
  std::optional<std::string> user_id;
  std::optional<std::string> generation_request_id;
  std::optional<int> rating;
  std::optional<std::string> comment;
  std::optional<JsonText> feedback_data;
  TimestampMs submitted_at = 0;
};

// An API key as stored: only the SHA-256 of the secret is kept.
struct ApiKey {
  std::string id;
  std::string name;
  Role role = Role::kViewer;
  std::string key_hash;
  TimestampMs created_at = 0;
};

}  // namespace mlops
