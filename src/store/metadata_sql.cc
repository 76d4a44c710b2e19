#include "store/metadata_sql.h"

#include <algorithm>

#include "store/metadata_columns.h"

namespace mlops {
namespace {

std::string Placeholders(int first, int count) {
  std::string placeholders;
  for (int i = first; i < first + count; ++i) {
    if (!placeholders.empty()) placeholders += ", ";
    placeholders += '$';
    placeholders += std::to_string(i);
  }
  return placeholders;
}

std::string InsertSql(std::string_view table, std::string_view columns) {
  const auto count = std::count(columns.begin(), columns.end(), ',') + 1;
  return "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (" +
         Placeholders(1, static_cast<int>(count)) + ")";
}

std::string SelectSql(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

// `where` takes `filter_parameters` parameters.
ListQuery MakeListQuery(std::string_view columns, std::string_view table, std::string_view where,
                        int filter_parameters, std::string_view order_by) {
  std::string from = " FROM " + std::string(table);
  if (!where.empty()) from += " WHERE " + std::string(where);
  return {"SELECT " + std::string(columns) + from + " ORDER BY " + std::string(order_by) +
              " LIMIT $" + std::to_string(filter_parameters + 1) + " OFFSET $" +
              std::to_string(filter_parameters + 2),
          "SELECT COUNT(*)" + from};
}

constexpr std::string_view kByCreation = "created_at, id";

}  // namespace

MetadataSql MakeMetadataSql(const SqlDialect& dialect) {
  const auto sql = [&](std::string text) { return dialect.parameters(std::move(text)); };
  const auto list = [&](std::string_view columns, std::string_view table, std::string_view where,
                        int filter_parameters, std::string_view order_by) {
    ListQuery query = MakeListQuery(columns, table, where, filter_parameters, order_by);
    return ListQuery{sql(std::move(query.select)), sql(std::move(query.count))};
  };
  return MetadataSql{
      .insert_model = sql(InsertSql("aimodels", kModelColumns)),
      .get_model = sql(SelectSql(kModelColumns, "FROM aimodels WHERE id = $1")),
      .update_model = sql(
          "UPDATE aimodels SET description = $1, task_type = $2, owner_id = $3, updated_at = $4 "
          "WHERE id = $5"),
      .list_models =
          {
              list(kModelColumns, "aimodels", "", 0, kByCreation),
              list(kModelColumns, "aimodels", "task_type = $1", 1, kByCreation),
              list(kModelColumns, "aimodels", dialect.name_prefix_at_1, 2, kByCreation),
              list(kModelColumns, "aimodels", "task_type = $1 AND " + dialect.name_prefix_at_2, 3,
                   kByCreation),
          },

      .insert_version = sql(InsertSql("aimodelversions", kVersionColumns)),
      .get_version = sql(SelectSql(kVersionColumns, "FROM aimodelversions WHERE id = $1")),
      .find_version = sql(SelectSql(
          kVersionColumns, "FROM aimodelversions WHERE model_id = $1 AND version_string = $2")),
      .versions_in_status = sql(SelectSql(
          kVersionColumns, "FROM aimodelversions WHERE model_id = $1 AND status = $2 ORDER BY " +
                               std::string(kByCreation))),
      .list_versions = list(kVersionColumns, "aimodelversions", "model_id = $1", 1, kByCreation),
      .list_versions_in_status =
          list(kVersionColumns, "aimodelversions", "model_id = $1 AND status = $2", 2, kByCreation),
      .set_version_status =
          sql("UPDATE aimodelversions SET status = $1, updated_at = $2 WHERE id = $3"),
      .set_version_io_signature =
          sql("UPDATE aimodelversions SET io_signature = $1, updated_at = $2 WHERE id = $3"),
      .set_version_validation_decision =
          sql("UPDATE aimodelversions SET validation_decision = $1, updated_at = $2 WHERE id = $3"),
      .count_active_deployments =
          sql("SELECT COUNT(*) FROM aimodeldeployments WHERE model_version_id = $1 "
              "AND status NOT IN ('DELETED', 'FAILED', 'ROLLED_BACK')"),

      .insert_feedback = sql(InsertSql("aimodelfeedback", kFeedbackColumns)),
      .list_feedback =
          list(kFeedbackColumns, "aimodelfeedback", "model_version_id = $1", 1, "submitted_at, id"),
      .feedback_ratings =
          sql("SELECT rating, COUNT(*) FROM aimodelfeedback WHERE model_version_id = $1 "
              "GROUP BY rating"),

      .insert_validation_result =
          sql(InsertSql("aimodelvalidationresults", kValidationResultColumns)),
      .get_validation_result =
          sql(SelectSql(kValidationResultColumns, "FROM aimodelvalidationresults WHERE id = $1")),
      .list_validation_results = list(kValidationResultColumns, "aimodelvalidationresults",
                                      "model_version_id = $1", 1, kByCreation),
      .trigger_results = sql(
          SelectSql(kValidationResultColumns,
                    "FROM aimodelvalidationresults WHERE trigger_id = $1 ORDER BY created_at, id")),
      .insert_validation_job = sql(InsertSql("validation_jobs", kValidationJobColumns)),
      .get_validation_job =
          sql(SelectSql(kValidationJobColumns, "FROM validation_jobs WHERE result_id = $1")),
      .open_validation_jobs =
          sql(SelectSql(kValidationJobColumns,
                        "FROM validation_jobs WHERE model_version_id = $1 AND state <> 'DONE' "
                        "ORDER BY created_at, result_id")),
      .claim_validation_job =
          sql("UPDATE validation_jobs SET state = 'RUNNING', lease_token = $1, "
              "lease_expires_at = $2, attempts = attempts + 1, updated_at = $3 WHERE result_id = "
              "(SELECT result_id FROM validation_jobs WHERE state = 'QUEUED' "
              "ORDER BY created_at, result_id LIMIT 1" +
              dialect.claim_lock + ") RETURNING " + std::string(kValidationJobColumns)),
      .set_result_status =
          sql("UPDATE aimodelvalidationresults SET status = $1, validated_at = $2 WHERE id = $3"),
      .renew_validation_lease =
          sql("UPDATE validation_jobs SET lease_expires_at = $1, updated_at = $2 "
              "WHERE result_id = $3 AND lease_token = $4 AND state = 'RUNNING'"),
      .release_validation_job =
          sql("UPDATE validation_jobs SET state = 'QUEUED', lease_token = NULL, "
              "lease_expires_at = NULL, attempts = attempts - 1, updated_at = $1 "
              "WHERE result_id = $2 AND lease_token = $3 AND state = 'RUNNING'"),
      .requeue_expired_results =
          sql("UPDATE aimodelvalidationresults SET status = 'PENDING', validated_at = $1 "
              "WHERE id IN (SELECT result_id FROM validation_jobs "
              "WHERE state = 'RUNNING' AND lease_expires_at < $2)"),
      .requeue_expired_jobs =
          sql("UPDATE validation_jobs SET state = 'QUEUED', lease_token = NULL, "
              "lease_expires_at = NULL, updated_at = $1 "
              "WHERE state = 'RUNNING' AND lease_expires_at < $2"),
      .finish_validation_job =
          sql("UPDATE validation_jobs SET state = 'DONE', lease_token = NULL, "
              "lease_expires_at = NULL, updated_at = $1 "
              "WHERE result_id = $2 AND lease_token = $3 AND state = 'RUNNING'"),
      .write_finished_result =
          sql("UPDATE aimodelvalidationresults SET status = $1, summary = $2, details = $3, "
              "details_path = $4, validated_at = $5 WHERE id = $6"),

      .insert_api_key = sql(InsertSql("api_keys", kApiKeyColumns)),
      .find_api_key = sql(SelectSql(kApiKeyColumns, "FROM api_keys WHERE key_hash = $1")),
      .list_api_keys = list(kApiKeyColumns, "api_keys", "", 0, kByCreation),
      .delete_api_key = sql("DELETE FROM api_keys WHERE id = $1"),
      .count_api_keys = sql("SELECT COUNT(*) FROM api_keys"),

      .migration_applied = sql("SELECT 1 FROM schema_migrations WHERE version = $1"),
      .record_migration =
          sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"),
  };
}

}  // namespace mlops
