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

// The seed's AIModel.
struct Model {
  std::string id;
  std::string name;
  std::optional<std::string> description;
  std::string task_type;
  std::optional<std::string> owner_id;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// The seed's AIModelVersion, plus what we learn about its artifact while storing it.
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
};

// The seed's ModelFeedback.
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
