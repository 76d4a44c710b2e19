#include "store/sqlite/sqlite_metadata_tx.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "store/metadata_rows.h"
#include "store/metadata_tx_common.h"
#include "store/sqlite/sqlite_status.h"

namespace mlops {
namespace {

template <typename T>
using RowReader = StatusOr<T> (*)(const SqliteStatement&);

std::string InsertSql(std::string_view table, std::string_view columns) {
  const auto count = std::count(columns.begin(), columns.end(), ',') + 1;
  std::string placeholders = "?";
  for (int i = 1; i < count; ++i) placeholders += ", ?";
  return "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (" +
         placeholders + ")";
}

std::string SelectSql(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

// A paged list: `select` binds the filter's parameters, then LIMIT and OFFSET; `count` binds the
// filter's parameters only.
struct ListQuery {
  std::string select;
  std::string count;
};

ListQuery MakeListQuery(std::string_view columns, std::string_view table, std::string_view where,
                        std::string_view order_by) {
  std::string from = " FROM " + std::string(table);
  if (!where.empty()) from += " WHERE " + std::string(where);
  return {"SELECT " + std::string(columns) + from + " ORDER BY " + std::string(order_by) +
              " LIMIT ? OFFSET ?",
          "SELECT COUNT(*)" + from};
}

constexpr std::string_view kByCreation = "created_at, id";
// A literal, case-sensitive prefix as a range over the unique index on name. The upper bound is
// NULL when no string bounds the prefix from above; coalesce() then compares with an empty BLOB,
// which SQLite orders after every TEXT value.
constexpr std::string_view kNamePrefix = "name >= ? AND name < coalesce(?, x'')";

const std::string kInsertModel = InsertSql("aimodels", kModelColumns);
const std::string kGetModel = SelectSql(kModelColumns, "FROM aimodels WHERE id = ?");
const char kUpdateModel[] =
    "UPDATE aimodels SET description = ?, task_type = ?, owner_id = ?, updated_at = ? WHERE id = ?";

const std::string kInsertVersion = InsertSql("aimodelversions", kVersionColumns);
const std::string kGetVersion = SelectSql(kVersionColumns, "FROM aimodelversions WHERE id = ?");
const std::string kFindVersion =
    SelectSql(kVersionColumns, "FROM aimodelversions WHERE model_id = ? AND version_string = ?");
const std::string kVersionsInStatus =
    SelectSql(kVersionColumns,
              "FROM aimodelversions WHERE model_id = ? AND status = ? ORDER BY created_at, id");
const ListQuery kListVersions =
    MakeListQuery(kVersionColumns, "aimodelversions", "model_id = ?", kByCreation);
const ListQuery kListVersionsInStatus =
    MakeListQuery(kVersionColumns, "aimodelversions", "model_id = ? AND status = ?", kByCreation);
const char kSetVersionStatus[] =
    "UPDATE aimodelversions SET status = ?, updated_at = ? WHERE id = ?";
const char kSetVersionIoSignature[] =
    "UPDATE aimodelversions SET io_signature = ?, updated_at = ? WHERE id = ?";
const char kSetVersionValidationDecision[] =
    "UPDATE aimodelversions SET validation_decision = ?, updated_at = ? WHERE id = ?";
const char kCountActiveDeployments[] =
    "SELECT COUNT(*) FROM aimodeldeployments WHERE model_version_id = ? "
    "AND status NOT IN ('DELETED', 'FAILED', 'ROLLED_BACK')";

const std::string kInsertFeedback = InsertSql("aimodelfeedback", kFeedbackColumns);
const ListQuery kListFeedback =
    MakeListQuery(kFeedbackColumns, "aimodelfeedback", "model_version_id = ?", "submitted_at, id");
const char kFeedbackRatings[] =
    "SELECT rating, COUNT(*) FROM aimodelfeedback WHERE model_version_id = ? GROUP BY rating";

const std::string kInsertValidationResult =
    InsertSql("aimodelvalidationresults", kValidationResultColumns);
const std::string kGetValidationResult =
    SelectSql(kValidationResultColumns, "FROM aimodelvalidationresults WHERE id = ?");
const ListQuery kListValidationResults = MakeListQuery(
    kValidationResultColumns, "aimodelvalidationresults", "model_version_id = ?", kByCreation);
const std::string kTriggerResults =
    SelectSql(kValidationResultColumns,
              "FROM aimodelvalidationresults WHERE trigger_id = ? ORDER BY created_at, id");
const std::string kInsertValidationJob = InsertSql("validation_jobs", kValidationJobColumns);
const std::string kGetValidationJob =
    SelectSql(kValidationJobColumns, "FROM validation_jobs WHERE result_id = ?");
const std::string kOpenValidationJobs = SelectSql(
    kValidationJobColumns,
    "FROM validation_jobs WHERE model_version_id = ? AND state <> 'DONE' "
    "ORDER BY created_at, result_id");
// Writers are serialized (BEGIN IMMEDIATE), so the oldest queued job cannot be taken by another
// claimer between the subquery and the update.
const std::string kClaimValidationJob =
    "UPDATE validation_jobs SET state = 'RUNNING', lease_token = ?, lease_expires_at = ?, "
    "attempts = attempts + 1, updated_at = ? WHERE result_id = (SELECT result_id FROM "
    "validation_jobs WHERE state = 'QUEUED' ORDER BY created_at, result_id LIMIT 1) RETURNING " +
    std::string(kValidationJobColumns);
const char kSetResultStatus[] =
    "UPDATE aimodelvalidationresults SET status = ?, validated_at = ? WHERE id = ?";
const char kRenewValidationLease[] =
    "UPDATE validation_jobs SET lease_expires_at = ?, updated_at = ? "
    "WHERE result_id = ? AND lease_token = ? AND state = 'RUNNING'";
const char kReleaseValidationJob[] =
    "UPDATE validation_jobs SET state = 'QUEUED', lease_token = NULL, lease_expires_at = NULL, "
    "attempts = attempts - 1, updated_at = ? "
    "WHERE result_id = ? AND lease_token = ? AND state = 'RUNNING'";
const char kRequeueExpiredResults[] =
    "UPDATE aimodelvalidationresults SET status = 'PENDING', validated_at = ? WHERE id IN "
    "(SELECT result_id FROM validation_jobs WHERE state = 'RUNNING' AND lease_expires_at < ?)";
const char kRequeueExpiredJobs[] =
    "UPDATE validation_jobs SET state = 'QUEUED', lease_token = NULL, lease_expires_at = NULL, "
    "updated_at = ? WHERE state = 'RUNNING' AND lease_expires_at < ?";
const char kFinishValidationJob[] =
    "UPDATE validation_jobs SET state = 'DONE', lease_token = NULL, lease_expires_at = NULL, "
    "updated_at = ? WHERE result_id = ? AND lease_token = ? AND state = 'RUNNING'";
const char kWriteFinishedResult[] =
    "UPDATE aimodelvalidationresults SET status = ?, summary = ?, details = ?, details_path = ?, "
    "validated_at = ? WHERE id = ?";

const std::string kInsertApiKey = InsertSql("api_keys", kApiKeyColumns);
const std::string kFindApiKey = SelectSql(kApiKeyColumns, "FROM api_keys WHERE key_hash = ?");
const ListQuery kListApiKeys = MakeListQuery(kApiKeyColumns, "api_keys", "", kByCreation);
const char kDeleteApiKey[] = "DELETE FROM api_keys WHERE id = ?";
const char kCountApiKeys[] = "SELECT COUNT(*) FROM api_keys";

// Indexed by (task_type filter ? 1 : 0) + (name_prefix filter ? 2 : 0).
const ListQuery kListModels[] = {
    MakeListQuery(kModelColumns, "aimodels", "", kByCreation),
    MakeListQuery(kModelColumns, "aimodels", "task_type = ?", kByCreation),
    MakeListQuery(kModelColumns, "aimodels", kNamePrefix, kByCreation),
    MakeListQuery(kModelColumns, "aimodels", "task_type = ? AND " + std::string(kNamePrefix),
                  kByCreation),
};

// For an UPDATE or DELETE of one row by id: NOT_FOUND if it changed nothing.
Status ExpectOneChange(SqliteConnection& connection, Status status, std::string_view what,
                       const std::string& id) {
  if (status.ok() && connection.Changes() == 0) {
    return NotFound(NoSuch(what, id));
  }
  return status;
}

template <typename T>
Status AppendRows(SqliteStatement& statement, RowReader<T> read, std::vector<T>& out) {
  while (true) {
    ASSIGN_OR_RETURN(const bool has_row, statement.Step());
    if (!has_row) return OkStatus();
    ASSIGN_OR_RETURN(T item, read(statement));
    out.push_back(std::move(item));
  }
}

template <typename T, typename... Args>
StatusOr<std::vector<T>> QueryAll(SqliteConnection& connection, const char* sql, RowReader<T> read,
                                  const Args&... args) {
  ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(sql));
  statement.Bind(args...);
  std::vector<T> items;
  RETURN_IF_ERROR(AppendRows(statement, read, items));
  return items;
}

template <typename T, typename... Args>
StatusOr<std::optional<T>> QueryFirst(SqliteConnection& connection, const char* sql,
                                      RowReader<T> read, const Args&... args) {
  ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(sql));
  ASSIGN_OR_RETURN(const bool has_row, statement.Bind(args...).Step());
  if (!has_row) return std::optional<T>();
  ASSIGN_OR_RETURN(T item, read(statement));
  return std::optional<T>(std::move(item));
}

StatusOr<std::int64_t> ReadCount(SqliteStatement& statement) {
  ASSIGN_OR_RETURN(const bool has_row, statement.Step());
  if (!has_row) return Internal("database error: COUNT returned no row");
  return statement.Int(0);
}

template <typename... Args>
StatusOr<std::int64_t> QueryCount(SqliteConnection& connection, const char* sql,
                                  const Args&... args) {
  ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(sql));
  statement.Bind(args...);
  return ReadCount(statement);
}

// `bind_filter(SqliteStatement&)` binds the parameters of the query's WHERE clause.
template <typename T, typename BindFilter>
StatusOr<Page<T>> QueryPage(SqliteConnection& connection, const ListQuery& query, RowReader<T> read,
                            PageRequest page, const BindFilter& bind_filter) {
  Page<T> result;
  {
    ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(query.select.c_str()));
    bind_filter(statement);
    statement.Bind(page.limit, page.skip);
    RETURN_IF_ERROR(AppendRows(statement, read, result.items));
  }
  ASSIGN_OR_RETURN(SqliteStatement count, connection.Prepare(query.count.c_str()));
  bind_filter(count);
  ASSIGN_OR_RETURN(result.total, ReadCount(count));
  return result;
}

}  // namespace

Status SqliteMetadataTx::InsertModel(const Model& model) {
  Status status =
      connection_.Execute(kInsertModel.c_str(), model.id, model.name, model.description,
                          model.task_type, model.owner_id, model.created_at, model.updated_at);
  const std::string_view columns = ConflictColumns(status);
  if (columns == "aimodels.name") {
    return Conflict(DuplicateModelName(model.name));
  }
  if (columns == "aimodels.id") return Conflict(DuplicateId("model", model.id));
  return status;
}

StatusOr<Model> SqliteMetadataTx::GetModel(const std::string& id) {
  return Found(QueryFirst(connection_, kGetModel.c_str(), &ReadModel<SqliteStatement>, id), "model",
               id);
}

StatusOr<Page<Model>> SqliteMetadataTx::ListModels(const ModelFilter& filter, PageRequest page) {
  const ListQuery& query = kListModels[(filter.task_type ? 1 : 0) + (filter.name_prefix ? 2 : 0)];
  const std::optional<std::string> prefix_end =
      filter.name_prefix ? PrefixEnd(*filter.name_prefix) : std::nullopt;
  return QueryPage(connection_, query, &ReadModel<SqliteStatement>, page,
                   [&](SqliteStatement& statement) {
                     if (filter.task_type) statement.Bind(*filter.task_type);
                     if (filter.name_prefix) statement.Bind(*filter.name_prefix, prefix_end);
                   });
}

Status SqliteMetadataTx::UpdateModel(const Model& model) {
  return ExpectOneChange(connection_,
                         connection_.Execute(kUpdateModel, model.description, model.task_type,
                                             model.owner_id, model.updated_at, model.id),
                         "model", model.id);
}

Status SqliteMetadataTx::InsertVersion(const ModelVersion& version) {
  Status status = connection_.Execute(
      kInsertVersion.c_str(), version.id, version.model_id, version.version_string,
      version.description, version.artifact_path, ToString(version.model_format),
      ToString(version.interface_type), version.parameters, version.metrics,
      ToString(version.status), version.created_at, version.updated_at, version.created_by_user_id,
      version.artifact_size_bytes, version.artifact_sha256, version.io_signature,
      version.validation_decision);
  if (status.code() == StatusCode::kNotFound) {
    return NotFound(NoSuch("model", version.model_id));
  }
  const std::string_view columns = ConflictColumns(status);
  if (columns == "aimodelversions.model_id, aimodelversions.version_string") {
    return Conflict(DuplicateVersionString(version.model_id, version.version_string));
  }
  if (columns == "aimodelversions.model_id") {
    return Conflict(kAnotherProductionVersion);
  }
  if (columns == "aimodelversions.id") return Conflict(DuplicateId("version", version.id));
  return status;
}

StatusOr<ModelVersion> SqliteMetadataTx::GetVersion(const std::string& id) {
  return Found(QueryFirst(connection_, kGetVersion.c_str(), &ReadVersion<SqliteStatement>, id),
               "model version", id);
}

StatusOr<std::optional<ModelVersion>> SqliteMetadataTx::FindVersion(
    const std::string& model_id, const std::string& version_string) {
  return QueryFirst(connection_, kFindVersion.c_str(), &ReadVersion<SqliteStatement>, model_id,
                    version_string);
}

StatusOr<Page<ModelVersion>> SqliteMetadataTx::ListVersions(const std::string& model_id,
                                                            const VersionFilter& filter,
                                                            PageRequest page) {
  if (!filter.status) {
    return QueryPage(connection_, kListVersions, &ReadVersion<SqliteStatement>, page,
                     [&](SqliteStatement& statement) { statement.Bind(model_id); });
  }
  return QueryPage(
      connection_, kListVersionsInStatus, &ReadVersion<SqliteStatement>, page,
      [&](SqliteStatement& statement) { statement.Bind(model_id, ToString(*filter.status)); });
}

StatusOr<std::vector<ModelVersion>> SqliteMetadataTx::ListVersionsInStatus(
    const std::string& model_id, ModelVersionStatus status) {
  return QueryAll(connection_, kVersionsInStatus.c_str(), &ReadVersion<SqliteStatement>, model_id,
                  ToString(status));
}

Status SqliteMetadataTx::SetVersionStatus(const std::string& id, ModelVersionStatus status,
                                          TimestampMs updated_at) {
  Status result = connection_.Execute(kSetVersionStatus, ToString(status), updated_at, id);
  if (ConflictColumns(result) == "aimodelversions.model_id") {
    return Conflict(kAnotherProductionVersion);
  }
  return ExpectOneChange(connection_, std::move(result), "model version", id);
}

Status SqliteMetadataTx::SetVersionIoSignature(const std::string& id,
                                               const JsonText& io_signature,
                                               TimestampMs updated_at) {
  return ExpectOneChange(connection_,
                         connection_.Execute(kSetVersionIoSignature, io_signature, updated_at, id),
                         "model version", id);
}

Status SqliteMetadataTx::SetVersionValidationDecision(const std::string& id,
                                                      const JsonText& decision,
                                                      TimestampMs updated_at) {
  return ExpectOneChange(
      connection_, connection_.Execute(kSetVersionValidationDecision, decision, updated_at, id),
      "model version", id);
}

StatusOr<std::int64_t> SqliteMetadataTx::CountActiveDeployments(const std::string& version_id) {
  return QueryCount(connection_, kCountActiveDeployments, version_id);
}

Status SqliteMetadataTx::InsertFeedback(const Feedback& feedback) {
  Status status =
      connection_.Execute(kInsertFeedback.c_str(), feedback.id, feedback.model_version_id,
                          feedback.user_id, feedback.generation_request_id, feedback.rating,
                          feedback.comment, feedback.feedback_data, feedback.submitted_at);
  if (status.code() == StatusCode::kNotFound) {
    return NotFound(NoSuch("model version", feedback.model_version_id));
  }
  if (ConflictColumns(status) == "aimodelfeedback.id") {
    return Conflict(DuplicateId("feedback", feedback.id));
  }
  return status;
}

StatusOr<Page<Feedback>> SqliteMetadataTx::ListFeedback(const std::string& version_id,
                                                        PageRequest page) {
  return QueryPage(connection_, kListFeedback, &ReadFeedback<SqliteStatement>, page,
                   [&](SqliteStatement& statement) { statement.Bind(version_id); });
}

StatusOr<FeedbackSummary> SqliteMetadataTx::SummarizeFeedback(const std::string& version_id) {
  ASSIGN_OR_RETURN(SqliteStatement statement, connection_.Prepare(kFeedbackRatings));
  statement.Bind(version_id);
  FeedbackSummaryBuilder summary;
  while (true) {
    ASSIGN_OR_RETURN(const bool has_row, statement.Step());
    if (!has_row) return summary.Finish();
    RETURN_IF_ERROR(summary.Add(statement.OptionalInt(0), statement.Int(1)));
  }
}

Status SqliteMetadataTx::InsertValidationResult(const ValidationResult& r) {
  Status status = connection_.Execute(
      kInsertValidationResult.c_str(), r.id, r.model_version_id, r.trigger_id,
      ToString(r.scan_type), ToString(r.status), r.summary, r.details, r.details_path,
      r.validated_at, r.validated_by_user_id, r.created_at);
  if (status.code() == StatusCode::kNotFound) {
    return NotFound(NoSuch("model version", r.model_version_id));
  }
  if (ConflictColumns(status) == "aimodelvalidationresults.id") {
    return Conflict(DuplicateId("validation result", r.id));
  }
  return status;
}

StatusOr<ValidationResult> SqliteMetadataTx::GetValidationResult(const std::string& id) {
  return Found(QueryFirst(connection_, kGetValidationResult.c_str(),
                          &ReadValidationResult<SqliteStatement>, id),
               "validation result", id);
}

StatusOr<Page<ValidationResult>> SqliteMetadataTx::ListValidationResults(
    const std::string& version_id, PageRequest page) {
  return QueryPage(connection_, kListValidationResults, &ReadValidationResult<SqliteStatement>,
                   page, [&](SqliteStatement& statement) { statement.Bind(version_id); });
}

StatusOr<std::vector<ValidationResult>> SqliteMetadataTx::ListTriggerResults(
    const std::string& trigger_id) {
  return QueryAll(connection_, kTriggerResults.c_str(), &ReadValidationResult<SqliteStatement>,
                  trigger_id);
}

Status SqliteMetadataTx::EnqueueValidationJob(const ValidationJob& j) {
  Status status = connection_.Execute(
      kInsertValidationJob.c_str(), j.result_id, j.trigger_id, j.model_version_id,
      ToString(j.scan_type), ToString(j.state), j.attempts, j.lease_token, j.lease_expires_at,
      j.created_at, j.updated_at);
  if (status.code() == StatusCode::kNotFound) {
    return NotFound("no validation result '" + j.result_id + "' or model version '" +
                    j.model_version_id + "'");
  }
  if (ConflictColumns(status) == "validation_jobs.result_id") {
    return Conflict(DuplicateId("validation job", j.result_id));
  }
  return status;
}

StatusOr<ValidationJob> SqliteMetadataTx::GetValidationJob(const std::string& result_id) {
  return Found(QueryFirst(connection_, kGetValidationJob.c_str(),
                          &ReadValidationJob<SqliteStatement>, result_id),
               "validation job", result_id);
}

StatusOr<std::vector<ValidationJob>> SqliteMetadataTx::ListOpenValidationJobs(
    const std::string& version_id) {
  return QueryAll(connection_, kOpenValidationJobs.c_str(), &ReadValidationJob<SqliteStatement>,
                  version_id);
}

StatusOr<std::optional<ValidationJob>> SqliteMetadataTx::ClaimValidationJob(
    const std::string& lease_token, TimestampMs now, TimestampMs lease_expires_at) {
  ASSIGN_OR_RETURN(std::optional<ValidationJob> job,
                   QueryFirst(connection_, kClaimValidationJob.c_str(),
                              &ReadValidationJob<SqliteStatement>, lease_token, lease_expires_at,
                              now));
  if (job) {
    RETURN_IF_ERROR(connection_.Execute(kSetResultStatus, ToString(ValidationStatus::kRunning),
                                        now, job->result_id));
  }
  return job;
}

Status SqliteMetadataTx::RenewValidationLease(const std::string& result_id,
                                              const std::string& lease_token,
                                              TimestampMs lease_expires_at, TimestampMs now) {
  RETURN_IF_ERROR(
      connection_.Execute(kRenewValidationLease, lease_expires_at, now, result_id, lease_token));
  if (connection_.Changes() == 0) return Conflict(kValidationLeaseLost);
  return OkStatus();
}

Status SqliteMetadataTx::ReleaseValidationJob(const std::string& result_id,
                                              const std::string& lease_token, TimestampMs now) {
  RETURN_IF_ERROR(connection_.Execute(kReleaseValidationJob, now, result_id, lease_token));
  if (connection_.Changes() == 0) return Conflict(kValidationLeaseLost);
  return connection_.Execute(kSetResultStatus, ToString(ValidationStatus::kPending), now,
                             result_id);
}

StatusOr<std::int64_t> SqliteMetadataTx::ReclaimExpiredValidationJobs(TimestampMs now) {
  RETURN_IF_ERROR(connection_.Execute(kRequeueExpiredResults, now, now));
  RETURN_IF_ERROR(connection_.Execute(kRequeueExpiredJobs, now, now));
  return connection_.Changes();
}

Status SqliteMetadataTx::FinishValidationJob(const ValidationResult& r,
                                             const std::string& lease_token) {
  RETURN_IF_ERROR(
      connection_.Execute(kFinishValidationJob, r.validated_at, r.id, lease_token));
  if (connection_.Changes() == 0) return Conflict(kValidationLeaseLost);
  return ExpectOneChange(connection_,
                         connection_.Execute(kWriteFinishedResult, ToString(r.status), r.summary,
                                             r.details, r.details_path, r.validated_at, r.id),
                         "validation result", r.id);
}

Status SqliteMetadataTx::InsertApiKey(const ApiKey& key) {
  Status status = connection_.Execute(kInsertApiKey.c_str(), key.id, key.name, ToString(key.role),
                                      key.key_hash, key.created_at);
  const std::string_view columns = ConflictColumns(status);
  if (columns == "api_keys.key_hash") return Conflict(kDuplicateApiKeyHash);
  if (columns == "api_keys.id") return Conflict(DuplicateId("API key", key.id));
  return status;
}

StatusOr<std::optional<ApiKey>> SqliteMetadataTx::FindApiKeyByHash(const std::string& key_hash) {
  return QueryFirst(connection_, kFindApiKey.c_str(), &ReadApiKey<SqliteStatement>, key_hash);
}

StatusOr<Page<ApiKey>> SqliteMetadataTx::ListApiKeys(PageRequest page) {
  return QueryPage(connection_, kListApiKeys, &ReadApiKey<SqliteStatement>, page,
                   [](SqliteStatement&) {});
}

Status SqliteMetadataTx::DeleteApiKey(const std::string& id) {
  return ExpectOneChange(connection_, connection_.Execute(kDeleteApiKey, id), "API key", id);
}

StatusOr<std::int64_t> SqliteMetadataTx::CountApiKeys() {
  return QueryCount(connection_, kCountApiKeys);
}

}  // namespace mlops
