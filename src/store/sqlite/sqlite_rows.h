#pragma once

#include "common/status.h"
#include "domain/entities.h"
#include "store/sqlite/sqlite_statement.h"

namespace mlops {

// The columns of each table in the order the readers below expect them in a result row.
inline constexpr char kModelColumns[] =
    "id, name, description, task_type, owner_id, created_at, updated_at";
inline constexpr char kVersionColumns[] =
    "id, model_id, version_string, description, artifact_path, model_format, interface_type, "
    "parameters, metrics, status, created_at, updated_at, created_by_user_id, artifact_size_bytes, "
    "artifact_sha256";
inline constexpr char kFeedbackColumns[] =
    "id, model_version_id, user_id, generation_request_id, rating, comment, feedback_data, "
    "submitted_at";
inline constexpr char kApiKeyColumns[] = "id, name, role, key_hash, created_at";

// Each reads the current row of a statement that selected the matching column list. INTERNAL if a
// stored enum or role value is not one this build knows.
StatusOr<Model> ReadModel(const SqliteStatement& row);
StatusOr<ModelVersion> ReadVersion(const SqliteStatement& row);
StatusOr<Feedback> ReadFeedback(const SqliteStatement& row);
StatusOr<ApiKey> ReadApiKey(const SqliteStatement& row);

}  // namespace mlops
