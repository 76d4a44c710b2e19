#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "domain/entities.h"
#include "domain/enums.h"
#include "domain/roles.h"
#include "store/metadata_columns.h"

namespace mlops {

// Entities from result rows, for every backend. `Row` is a backend's view of one row, columns
// numbered from 0 in the order of metadata_columns.h, with
//   std::string Text(int), std::optional<std::string> OptionalText(int),
//   std::int64_t Int(int), std::optional<std::int64_t> OptionalInt(int).
// Each returns INTERNAL if a stored enum or role value is not one this build knows.

namespace internal {

inline Status UnknownValue(const std::string& value, const char* column) {
  return Internal("database holds an unknown value '" + value + "' in " + column);
}

template <typename Enum, typename Row>
StatusOr<Enum> ReadEnum(const Row& row, int index, const char* column) {
  const std::string text = row.Text(index);
  std::optional<Enum> value = ParseEnum<Enum>(text);
  if (!value) return UnknownValue(text, column);
  return *value;
}

}  // namespace internal

template <typename Row>
StatusOr<Model> ReadModel(const Row& row) {
  return Model{
      .id = row.Text(0),
      .name = row.Text(1),
      .description = row.OptionalText(2),
      .task_type = row.Text(3),
      .owner_id = row.OptionalText(4),
      .created_at = row.Int(5),
      .updated_at = row.Int(6),
  };
}

template <typename Row>
StatusOr<ModelVersion> ReadVersion(const Row& row) {
  ASSIGN_OR_RETURN(const ModelFormat format,
                   internal::ReadEnum<ModelFormat>(row, 5, "aimodelversions.model_format"));
  ASSIGN_OR_RETURN(const ServingInterface interface,
                   internal::ReadEnum<ServingInterface>(row, 6, "aimodelversions.interface_type"));
  ASSIGN_OR_RETURN(const ModelVersionStatus status,
                   internal::ReadEnum<ModelVersionStatus>(row, 9, "aimodelversions.status"));
  return ModelVersion{
      .id = row.Text(0),
      .model_id = row.Text(1),
      .version_string = row.Text(2),
      .description = row.OptionalText(3),
      .artifact_path = row.Text(4),
      .model_format = format,
      .interface_type = interface,
      .parameters = row.OptionalText(7),
      .metrics = row.OptionalText(8),
      .status = status,
      .created_at = row.Int(10),
      .updated_at = row.Int(11),
      .created_by_user_id = row.OptionalText(12),
      .artifact_size_bytes = row.Int(13),
      .artifact_sha256 = row.Text(14),
      .io_signature = row.OptionalText(15),
      .validation_decision = row.OptionalText(16),
  };
}

template <typename Row>
StatusOr<Feedback> ReadFeedback(const Row& row) {
  const std::optional<std::int64_t> rating = row.OptionalInt(4);
  return Feedback{
      .id = row.Text(0),
      .model_version_id = row.Text(1),
      .user_id = row.OptionalText(2),
      .generation_request_id = row.OptionalText(3),
      .rating = rating ? std::optional<int>(static_cast<int>(*rating)) : std::nullopt,
      .comment = row.OptionalText(5),
      .feedback_data = row.OptionalText(6),
      .submitted_at = row.Int(7),
  };
}

template <typename Row>
StatusOr<ValidationResult> ReadValidationResult(const Row& row) {
  ASSIGN_OR_RETURN(const ScanType scan_type,
                   internal::ReadEnum<ScanType>(row, 3, "aimodelvalidationresults.scan_type"));
  ASSIGN_OR_RETURN(const ValidationStatus status,
                   internal::ReadEnum<ValidationStatus>(row, 4, "aimodelvalidationresults.status"));
  return ValidationResult{
      .id = row.Text(0),
      .model_version_id = row.Text(1),
      .trigger_id = row.Text(2),
      .scan_type = scan_type,
      .status = status,
      .summary = row.OptionalText(5),
      .details = row.OptionalText(6),
      .details_path = row.OptionalText(7),
      .validated_at = row.Int(8),
      .validated_by_user_id = row.OptionalText(9),
      .created_at = row.Int(10),
  };
}

template <typename Row>
StatusOr<ValidationJob> ReadValidationJob(const Row& row) {
  ASSIGN_OR_RETURN(const ScanType scan_type,
                   internal::ReadEnum<ScanType>(row, 3, "validation_jobs.scan_type"));
  ASSIGN_OR_RETURN(const ValidationJobState state,
                   internal::ReadEnum<ValidationJobState>(row, 4, "validation_jobs.state"));
  return ValidationJob{
      .result_id = row.Text(0),
      .trigger_id = row.Text(1),
      .model_version_id = row.Text(2),
      .scan_type = scan_type,
      .state = state,
      .attempts = static_cast<int>(row.Int(5)),
      .lease_token = row.OptionalText(6),
      .lease_expires_at = row.OptionalInt(7),
      .created_at = row.Int(8),
      .updated_at = row.Int(9),
  };
}

template <typename Row>
StatusOr<ApiKey> ReadApiKey(const Row& row) {
  const std::string role_text = row.Text(2);
  const std::optional<Role> role = ParseRole(role_text);
  if (!role) return internal::UnknownValue(role_text, "api_keys.role");
  return ApiKey{
      .id = row.Text(0),
      .name = row.Text(1),
      .role = *role,
      .key_hash = row.Text(3),
      .created_at = row.Int(4),
  };
}

}  // namespace mlops
