#include "store/postgres/postgres_metadata_tx.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "store/metadata_rows.h"
#include "store/metadata_tx_common.h"
#include "store/postgres/postgres_status.h"

namespace mlops {
namespace {

template <typename T>
using RowReader = StatusOr<T> (*)(const PostgresRow&);

std::string Placeholders(int first, int count) {
  std::string placeholders;
  for (int i = first; i < first + count; ++i) {
    if (!placeholders.empty()) placeholders += ", ";
    placeholders += "$" + std::to_string(i);
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

// A paged list: `select` takes the filter's `filter_parameters` parameters, then LIMIT and
// OFFSET; `count` takes the filter's parameters only.
struct ListQuery {
  std::string select;
  std::string count;
};

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

const std::string kInsertModel = InsertSql("aimodels", kModelColumns);
const std::string kGetModel = SelectSql(kModelColumns, "FROM aimodels WHERE id = $1");
const char kUpdateModel[] =
    "UPDATE aimodels SET description = $1, task_type = $2, owner_id = $3, updated_at = $4 "
    "WHERE id = $5";

const std::string kInsertVersion = InsertSql("aimodelversions", kVersionColumns);
const std::string kGetVersion = SelectSql(kVersionColumns, "FROM aimodelversions WHERE id = $1");
const std::string kFindVersion =
    SelectSql(kVersionColumns, "FROM aimodelversions WHERE model_id = $1 AND version_string = $2");
const std::string kVersionsInStatus = SelectSql(
    kVersionColumns, "FROM aimodelversions WHERE model_id = $1 AND status = $2 ORDER BY " +
                         std::string(kByCreation));
const ListQuery kListVersions =
    MakeListQuery(kVersionColumns, "aimodelversions", "model_id = $1", 1, kByCreation);
const ListQuery kListVersionsInStatus = MakeListQuery(
    kVersionColumns, "aimodelversions", "model_id = $1 AND status = $2", 2, kByCreation);
const char kSetVersionStatus[] =
    "UPDATE aimodelversions SET status = $1, updated_at = $2 WHERE id = $3";
const char kSetVersionIoSignature[] =
    "UPDATE aimodelversions SET io_signature = $1, updated_at = $2 WHERE id = $3";
const char kSetVersionValidationDecision[] =
    "UPDATE aimodelversions SET validation_decision = $1, updated_at = $2 WHERE id = $3";
const char kCountActiveDeployments[] =
    "SELECT COUNT(*) FROM aimodeldeployments WHERE model_version_id = $1 "
    "AND status NOT IN ('DELETED', 'FAILED', 'ROLLED_BACK')";

const std::string kInsertFeedback = InsertSql("aimodelfeedback", kFeedbackColumns);
const ListQuery kListFeedback = MakeListQuery(kFeedbackColumns, "aimodelfeedback",
                                              "model_version_id = $1", 1, "submitted_at, id");
const char kFeedbackRatings[] =
    "SELECT rating, COUNT(*) FROM aimodelfeedback WHERE model_version_id = $1 GROUP BY rating";

const std::string kInsertValidationResult =
    InsertSql("aimodelvalidationresults", kValidationResultColumns);
const std::string kGetValidationResult =
    SelectSql(kValidationResultColumns, "FROM aimodelvalidationresults WHERE id = $1");
const ListQuery kListValidationResults = MakeListQuery(
    kValidationResultColumns, "aimodelvalidationresults", "model_version_id = $1", 1, kByCreation);
const std::string kTriggerResults =
    SelectSql(kValidationResultColumns,
              "FROM aimodelvalidationresults WHERE trigger_id = $1 ORDER BY created_at, id");
const std::string kInsertValidationJob = InsertSql("validation_jobs", kValidationJobColumns);
const std::string kGetValidationJob =
    SelectSql(kValidationJobColumns, "FROM validation_jobs WHERE result_id = $1");
const std::string kOpenValidationJobs = SelectSql(
    kValidationJobColumns,
    "FROM validation_jobs WHERE model_version_id = $1 AND state <> 'DONE' "
    "ORDER BY created_at, result_id");
// SKIP LOCKED: a claimer passes over a job another transaction is claiming instead of waiting
// for it and then finding it taken. (Write() transactions also queue on the writer lock; the claim
// does not rely on it.)
const std::string kClaimValidationJob =
    "UPDATE validation_jobs SET state = 'RUNNING', lease_token = $1, lease_expires_at = $2, "
    "attempts = attempts + 1, updated_at = $3 WHERE result_id = (SELECT result_id FROM "
    "validation_jobs WHERE state = 'QUEUED' ORDER BY created_at, result_id LIMIT 1 "
    "FOR UPDATE SKIP LOCKED) RETURNING " +
    std::string(kValidationJobColumns);
const char kSetResultStatus[] =
    "UPDATE aimodelvalidationresults SET status = $1, validated_at = $2 WHERE id = $3";
const char kRenewValidationLease[] =
    "UPDATE validation_jobs SET lease_expires_at = $1, updated_at = $2 "
    "WHERE result_id = $3 AND lease_token = $4 AND state = 'RUNNING'";
const char kReleaseValidationJob[] =
    "UPDATE validation_jobs SET state = 'QUEUED', lease_token = NULL, lease_expires_at = NULL, "
    "attempts = attempts - 1, updated_at = $1 "
    "WHERE result_id = $2 AND lease_token = $3 AND state = 'RUNNING'";
const char kRequeueExpiredResults[] =
    "UPDATE aimodelvalidationresults SET status = 'PENDING', validated_at = $1 WHERE id IN "
    "(SELECT result_id FROM validation_jobs WHERE state = 'RUNNING' AND lease_expires_at < $2)";
const char kRequeueExpiredJobs[] =
    "UPDATE validation_jobs SET state = 'QUEUED', lease_token = NULL, lease_expires_at = NULL, "
    "updated_at = $1 WHERE state = 'RUNNING' AND lease_expires_at < $2";
const char kFinishValidationJob[] =
    "UPDATE validation_jobs SET state = 'DONE', lease_token = NULL, lease_expires_at = NULL, "
    "updated_at = $1 WHERE result_id = $2 AND lease_token = $3 AND state = 'RUNNING'";
const char kWriteFinishedResult[] =
    "UPDATE aimodelvalidationresults SET status = $1, summary = $2, details = $3, "
    "details_path = $4, validated_at = $5 WHERE id = $6";

const std::string kInsertApiKey = InsertSql("api_keys", kApiKeyColumns);
const std::string kFindApiKey = SelectSql(kApiKeyColumns, "FROM api_keys WHERE key_hash = $1");
const ListQuery kListApiKeys = MakeListQuery(kApiKeyColumns, "api_keys", "", 0, kByCreation);
const char kDeleteApiKey[] = "DELETE FROM api_keys WHERE id = $1";
const char kCountApiKeys[] = "SELECT COUNT(*) FROM api_keys";

// A literal prefix as a range over the unique index on name, whose collation is "C" (bytewise,
// like SQLite's). The upper bound is NULL when no string bounds the prefix from above.
constexpr std::string_view kNamePrefix1 = "name >= $1 AND ($2::text IS NULL OR name < $2)";
constexpr std::string_view kNamePrefix2 = "name >= $2 AND ($3::text IS NULL OR name < $3)";

// Indexed by (task_type filter ? 1 : 0) + (name_prefix filter ? 2 : 0).
const ListQuery kListModels[] = {
    MakeListQuery(kModelColumns, "aimodels", "", 0, kByCreation),
    MakeListQuery(kModelColumns, "aimodels", "task_type = $1", 1, kByCreation),
    MakeListQuery(kModelColumns, "aimodels", kNamePrefix1, 2, kByCreation),
    MakeListQuery(kModelColumns, "aimodels", "task_type = $1 AND " + std::string(kNamePrefix2), 3,
                  kByCreation),
};

// For an UPDATE or DELETE of one row by id: NOT_FOUND if it changed nothing.
Status ExpectOneChange(const StatusOr<PostgresResult>& result, std::string_view what,
                       const std::string& id) {
  if (result.ok() && result->AffectedRows() == 0) return NotFound(NoSuch(what, id));
  return result.status();
}

template <typename T>
Status AppendRows(const PostgresResult& result, RowReader<T> read, std::vector<T>& out) {
  for (int row = 0; row < result.Rows(); ++row) {
    ASSIGN_OR_RETURN(T item, read(result.Row(row)));
    out.push_back(std::move(item));
  }
  return OkStatus();
}

template <typename T, typename... Args>
StatusOr<std::vector<T>> QueryAll(PostgresConnection& connection, const char* sql,
                                  RowReader<T> read, const Args&... args) {
  ASSIGN_OR_RETURN(const PostgresResult result, connection.Query(sql, args...));
  std::vector<T> items;
  RETURN_IF_ERROR(AppendRows(result, read, items));
  return items;
}

template <typename T, typename... Args>
StatusOr<std::optional<T>> QueryFirst(PostgresConnection& connection, const char* sql,
                                      RowReader<T> read, const Args&... args) {
  ASSIGN_OR_RETURN(const PostgresResult result, connection.Query(sql, args...));
  if (result.Rows() == 0) return std::optional<T>();
  ASSIGN_OR_RETURN(T item, read(result.Row(0)));
  return std::optional<T>(std::move(item));
}

template <typename... Args>
StatusOr<std::int64_t> QueryCount(PostgresConnection& connection, const char* sql,
                                  const Args&... args) {
  ASSIGN_OR_RETURN(const PostgresResult result, connection.Query(sql, args...));
  if (result.Rows() == 0) return Internal("database error: COUNT returned no row");
  return result.Int(0, 0);
}

// `filter` are the parameters of the query's WHERE clause.
template <typename T, typename... Filter>
StatusOr<Page<T>> QueryPage(PostgresConnection& connection, const ListQuery& query,
                            RowReader<T> read, PageRequest page, const Filter&... filter) {
  Page<T> result;
  ASSIGN_OR_RETURN(const PostgresResult rows,
                   connection.Query(query.select.c_str(), filter..., page.limit, page.skip));
  RETURN_IF_ERROR(AppendRows(rows, read, result.items));
  ASSIGN_OR_RETURN(result.total, QueryCount(connection, query.count.c_str(), filter...));
  return result;
}

}  // namespace

Status PostgresMetadataTx::InsertModel(const Model& model) {
  Status status =
      connection_.Execute(kInsertModel.c_str(), model.id, model.name, model.description,
                          model.task_type, model.owner_id, model.created_at, model.updated_at);
  const std::string_view constraint = ViolatedConstraint(status);
  if (constraint == "aimodels_name_key") return Conflict(DuplicateModelName(model.name));
  if (constraint == "aimodels_pkey") return Conflict(DuplicateId("model", model.id));
  return status;
}

StatusOr<Model> PostgresMetadataTx::GetModel(const std::string& id) {
  return Found(QueryFirst(connection_, kGetModel.c_str(), &ReadModel<PostgresRow>, id), "model",
               id);
}

StatusOr<Page<Model>> PostgresMetadataTx::ListModels(const ModelFilter& filter, PageRequest page) {
  const ListQuery& query = kListModels[(filter.task_type ? 1 : 0) + (filter.name_prefix ? 2 : 0)];
  if (!filter.name_prefix) {
    if (!filter.task_type) return QueryPage(connection_, query, &ReadModel<PostgresRow>, page);
    return QueryPage(connection_, query, &ReadModel<PostgresRow>, page, *filter.task_type);
  }
  const std::optional<std::string> prefix_end = PrefixEnd(*filter.name_prefix);
  if (!filter.task_type) {
    return QueryPage(connection_, query, &ReadModel<PostgresRow>, page, *filter.name_prefix,
                     prefix_end);
  }
  return QueryPage(connection_, query, &ReadModel<PostgresRow>, page, *filter.task_type,
                   *filter.name_prefix, prefix_end);
}

Status PostgresMetadataTx::UpdateModel(const Model& model) {
  return ExpectOneChange(connection_.Query(kUpdateModel, model.description, model.task_type,
                                           model.owner_id, model.updated_at, model.id),
                         "model", model.id);
}

Status PostgresMetadataTx::InsertVersion(const ModelVersion& version) {
  Status status = connection_.Execute(
      kInsertVersion.c_str(), version.id, version.model_id, version.version_string,
      version.description, version.artifact_path, ToString(version.model_format),
      ToString(version.interface_type), version.parameters, version.metrics,
      ToString(version.status), version.created_at, version.updated_at, version.created_by_user_id,
      version.artifact_size_bytes, version.artifact_sha256, version.io_signature,
      version.validation_decision);
  if (status.code() == StatusCode::kNotFound) return NotFound(NoSuch("model", version.model_id));
  const std::string_view constraint = ViolatedConstraint(status);
  if (constraint == "aimodelversions_version_string_key") {
    return Conflict(DuplicateVersionString(version.model_id, version.version_string));
  }
  if (constraint == "aimodelversions_one_production") return Conflict(kAnotherProductionVersion);
  if (constraint == "aimodelversions_pkey") return Conflict(DuplicateId("version", version.id));
  return status;
}

StatusOr<ModelVersion> PostgresMetadataTx::GetVersion(const std::string& id) {
  return Found(QueryFirst(connection_, kGetVersion.c_str(), &ReadVersion<PostgresRow>, id),
               "model version", id);
}

StatusOr<std::optional<ModelVersion>> PostgresMetadataTx::FindVersion(
    const std::string& model_id, const std::string& version_string) {
  return QueryFirst(connection_, kFindVersion.c_str(), &ReadVersion<PostgresRow>, model_id,
                    version_string);
}

StatusOr<Page<ModelVersion>> PostgresMetadataTx::ListVersions(const std::string& model_id,
                                                              const VersionFilter& filter,
                                                              PageRequest page) {
  if (!filter.status) {
    return QueryPage(connection_, kListVersions, &ReadVersion<PostgresRow>, page, model_id);
  }
  return QueryPage(connection_, kListVersionsInStatus, &ReadVersion<PostgresRow>, page, model_id,
                   ToString(*filter.status));
}

StatusOr<std::vector<ModelVersion>> PostgresMetadataTx::ListVersionsInStatus(
    const std::string& model_id, ModelVersionStatus status) {
  return QueryAll(connection_, kVersionsInStatus.c_str(), &ReadVersion<PostgresRow>, model_id,
                  ToString(status));
}

Status PostgresMetadataTx::SetVersionStatus(const std::string& id, ModelVersionStatus status,
                                            TimestampMs updated_at) {
  StatusOr<PostgresResult> result =
      connection_.Query(kSetVersionStatus, ToString(status), updated_at, id);
  if (ViolatedConstraint(result.status()) == "aimodelversions_one_production") {
    return Conflict(kAnotherProductionVersion);
  }
  return ExpectOneChange(result, "model version", id);
}

Status PostgresMetadataTx::SetVersionIoSignature(const std::string& id,
                                                 const JsonText& io_signature,
                                                 TimestampMs updated_at) {
  return ExpectOneChange(connection_.Query(kSetVersionIoSignature, io_signature, updated_at, id),
                         "model version", id);
}

Status PostgresMetadataTx::SetVersionValidationDecision(const std::string& id,
                                                        const JsonText& decision,
                                                        TimestampMs updated_at) {
  return ExpectOneChange(
      connection_.Query(kSetVersionValidationDecision, decision, updated_at, id), "model version",
      id);
}

StatusOr<std::int64_t> PostgresMetadataTx::CountActiveDeployments(const std::string& version_id) {
  return QueryCount(connection_, kCountActiveDeployments, version_id);
}

Status PostgresMetadataTx::InsertFeedback(const Feedback& feedback) {
  Status status =
      connection_.Execute(kInsertFeedback.c_str(), feedback.id, feedback.model_version_id,
                          feedback.user_id, feedback.generation_request_id, feedback.rating,
                          feedback.comment, feedback.feedback_data, feedback.submitted_at);
  if (status.code() == StatusCode::kNotFound) {
    return NotFound(NoSuch("model version", feedback.model_version_id));
  }
  if (ViolatedConstraint(status) == "aimodelfeedback_pkey") {
    return Conflict(DuplicateId("feedback", feedback.id));
  }
  return status;
}

StatusOr<Page<Feedback>> PostgresMetadataTx::ListFeedback(const std::string& version_id,
                                                          PageRequest page) {
  return QueryPage(connection_, kListFeedback, &ReadFeedback<PostgresRow>, page, version_id);
}

StatusOr<FeedbackSummary> PostgresMetadataTx::SummarizeFeedback(const std::string& version_id) {
  ASSIGN_OR_RETURN(const PostgresResult result, connection_.Query(kFeedbackRatings, version_id));
  FeedbackSummaryBuilder summary;
  for (int row = 0; row < result.Rows(); ++row) {
    RETURN_IF_ERROR(summary.Add(result.OptionalInt(row, 0), result.Int(row, 1)));
  }
  return summary.Finish();
}

Status PostgresMetadataTx::InsertValidationResult(const ValidationResult& r) {
  Status status = connection_.Execute(
      kInsertValidationResult.c_str(), r.id, r.model_version_id, r.trigger_id,
      ToString(r.scan_type), ToString(r.status), r.summary, r.details, r.details_path,
      r.validated_at, r.validated_by_user_id, r.created_at);
  if (status.code() == StatusCode::kNotFound) {
    return NotFound(NoSuch("model version", r.model_version_id));
  }
  if (ViolatedConstraint(status) == "aimodelvalidationresults_pkey") {
    return Conflict(DuplicateId("validation result", r.id));
  }
  return status;
}

StatusOr<ValidationResult> PostgresMetadataTx::GetValidationResult(const std::string& id) {
  return Found(QueryFirst(connection_, kGetValidationResult.c_str(),
                          &ReadValidationResult<PostgresRow>, id),
               "validation result", id);
}

StatusOr<Page<ValidationResult>> PostgresMetadataTx::ListValidationResults(
    const std::string& version_id, PageRequest page) {
  return QueryPage(connection_, kListValidationResults, &ReadValidationResult<PostgresRow>, page,
                   version_id);
}

StatusOr<std::vector<ValidationResult>> PostgresMetadataTx::ListTriggerResults(
    const std::string& trigger_id) {
  return QueryAll(connection_, kTriggerResults.c_str(), &ReadValidationResult<PostgresRow>,
                  trigger_id);
}

Status PostgresMetadataTx::EnqueueValidationJob(const ValidationJob& j) {
  Status status = connection_.Execute(
      kInsertValidationJob.c_str(), j.result_id, j.trigger_id, j.model_version_id,
      ToString(j.scan_type), ToString(j.state), j.attempts, j.lease_token, j.lease_expires_at,
      j.created_at, j.updated_at);
  if (status.code() == StatusCode::kNotFound) {
    return NotFound("no validation result '" + j.result_id + "' or model version '" +
                    j.model_version_id + "'");
  }
  if (ViolatedConstraint(status) == "validation_jobs_pkey") {
    return Conflict(DuplicateId("validation job", j.result_id));
  }
  return status;
}

StatusOr<ValidationJob> PostgresMetadataTx::GetValidationJob(const std::string& result_id) {
  return Found(QueryFirst(connection_, kGetValidationJob.c_str(), &ReadValidationJob<PostgresRow>,
                          result_id),
               "validation job", result_id);
}

StatusOr<std::vector<ValidationJob>> PostgresMetadataTx::ListOpenValidationJobs(
    const std::string& version_id) {
  return QueryAll(connection_, kOpenValidationJobs.c_str(), &ReadValidationJob<PostgresRow>,
                  version_id);
}

StatusOr<std::optional<ValidationJob>> PostgresMetadataTx::ClaimValidationJob(
    const std::string& lease_token, TimestampMs now, TimestampMs lease_expires_at) {
  ASSIGN_OR_RETURN(std::optional<ValidationJob> job,
                   QueryFirst(connection_, kClaimValidationJob.c_str(),
                              &ReadValidationJob<PostgresRow>, lease_token, lease_expires_at, now));
  if (job) {
    RETURN_IF_ERROR(connection_.Execute(kSetResultStatus, ToString(ValidationStatus::kRunning),
                                        now, job->result_id));
  }
  return job;
}

Status PostgresMetadataTx::RenewValidationLease(const std::string& result_id,
                                                const std::string& lease_token,
                                                TimestampMs lease_expires_at, TimestampMs now) {
  ASSIGN_OR_RETURN(const PostgresResult result,
                   connection_.Query(kRenewValidationLease, lease_expires_at, now, result_id,
                                     lease_token));
  if (result.AffectedRows() == 0) return Conflict(kValidationLeaseLost);
  return OkStatus();
}

Status PostgresMetadataTx::ReleaseValidationJob(const std::string& result_id,
                                                const std::string& lease_token, TimestampMs now) {
  ASSIGN_OR_RETURN(const PostgresResult result,
                   connection_.Query(kReleaseValidationJob, now, result_id, lease_token));
  if (result.AffectedRows() == 0) return Conflict(kValidationLeaseLost);
  return connection_.Execute(kSetResultStatus, ToString(ValidationStatus::kPending), now,
                             result_id);
}

StatusOr<std::int64_t> PostgresMetadataTx::ReclaimExpiredValidationJobs(TimestampMs now) {
  RETURN_IF_ERROR(connection_.Execute(kRequeueExpiredResults, now, now));
  ASSIGN_OR_RETURN(const PostgresResult result, connection_.Query(kRequeueExpiredJobs, now, now));
  return result.AffectedRows();
}

Status PostgresMetadataTx::FinishValidationJob(const ValidationResult& r,
                                               const std::string& lease_token) {
  ASSIGN_OR_RETURN(const PostgresResult finished,
                   connection_.Query(kFinishValidationJob, r.validated_at, r.id, lease_token));
  if (finished.AffectedRows() == 0) return Conflict(kValidationLeaseLost);
  return ExpectOneChange(connection_.Query(kWriteFinishedResult, ToString(r.status), r.summary,
                                           r.details, r.details_path, r.validated_at, r.id),
                         "validation result", r.id);
}

Status PostgresMetadataTx::InsertApiKey(const ApiKey& key) {
  Status status = connection_.Execute(kInsertApiKey.c_str(), key.id, key.name, ToString(key.role),
                                      key.key_hash, key.created_at);
  const std::string_view constraint = ViolatedConstraint(status);
  if (constraint == "api_keys_key_hash_key") return Conflict(kDuplicateApiKeyHash);
  if (constraint == "api_keys_pkey") return Conflict(DuplicateId("API key", key.id));
  return status;
}

StatusOr<std::optional<ApiKey>> PostgresMetadataTx::FindApiKeyByHash(const std::string& key_hash) {
  return QueryFirst(connection_, kFindApiKey.c_str(), &ReadApiKey<PostgresRow>, key_hash);
}

StatusOr<Page<ApiKey>> PostgresMetadataTx::ListApiKeys(PageRequest page) {
  return QueryPage(connection_, kListApiKeys, &ReadApiKey<PostgresRow>, page);
}

Status PostgresMetadataTx::DeleteApiKey(const std::string& id) {
  return ExpectOneChange(connection_.Query(kDeleteApiKey, id), "API key", id);
}

StatusOr<std::int64_t> PostgresMetadataTx::CountApiKeys() {
  return QueryCount(connection_, kCountApiKeys);
}

}  // namespace mlops
