#include "store/sqlite/sqlite_rows.h"

#include <string>

#include "domain/enums.h"
#include "domain/roles.h"

namespace mlops {
namespace {

Status UnknownValue(const std::string& value, const char* column) {
  return Internal("database holds an unknown value '" + value + "' in " + column);
}

template <typename Enum>
StatusOr<Enum> ReadEnum(const SqliteStatement& row, int index, const char* column) {
  const std::string text = row.Text(index);
  std::optional<Enum> value = ParseEnum<Enum>(text);
  if (!value) return UnknownValue(text, column);
  return *value;
}

}  // namespace

StatusOr<Model> ReadModel(const SqliteStatement& row) {
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

StatusOr<ModelVersion> ReadVersion(const SqliteStatement& row) {
  ASSIGN_OR_RETURN(const ModelFormat format,
                   ReadEnum<ModelFormat>(row, 5, "aimodelversions.model_format"));
  ASSIGN_OR_RETURN(const ServingInterface interface,
                   ReadEnum<ServingInterface>(row, 6, "aimodelversions.interface_type"));
  ASSIGN_OR_RETURN(const ModelVersionStatus status,
                   ReadEnum<ModelVersionStatus>(row, 9, "aimodelversions.status"));
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
  };
}

StatusOr<Feedback> ReadFeedback(const SqliteStatement& row) {
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

StatusOr<ApiKey> ReadApiKey(const SqliteStatement& row) {
  const std::string role_text = row.Text(2);
  const std::optional<Role> role = ParseRole(role_text);
  if (!role) return UnknownValue(role_text, "api_keys.role");
  return ApiKey{
      .id = row.Text(0),
      .name = row.Text(1),
      .role = *role,
      .key_hash = row.Text(3),
      .created_at = row.Int(4),
  };
}

}  // namespace mlops
