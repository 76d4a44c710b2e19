#pragma once

namespace mlops {

// The columns of each table, in the order every backend's row readers expect them in a result row.
// Shared so that the backends' schemas and queries stay column-for-column the same.
inline constexpr char kModelColumns[] =
    "id, name, description, task_type, owner_id, created_at, updated_at";
inline constexpr char kVersionColumns[] =
    "id, model_id, version_string, description, artifact_path, model_format, interface_type, "
    "parameters, metrics, status, created_at, updated_at, created_by_user_id, artifact_size_bytes, "
    "artifact_sha256, io_signature, validation_decision";
inline constexpr char kFeedbackColumns[] =
    "id, model_version_id, user_id, generation_request_id, rating, comment, feedback_data, "
    "submitted_at";
inline constexpr char kApiKeyColumns[] = "id, name, role, key_hash, created_at";
inline constexpr char kValidationResultColumns[] =
    "id, model_version_id, trigger_id, scan_type, status, summary, details, details_path, "
    "validated_at, validated_by_user_id, created_at";
inline constexpr char kValidationJobColumns[] =
    "result_id, trigger_id, model_version_id, scan_type, state, attempts, lease_token, "
    "lease_expires_at, created_at, updated_at";

}  // namespace mlops
