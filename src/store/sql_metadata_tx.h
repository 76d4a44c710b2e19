#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "store/metadata_rows.h"
#include "store/metadata_sql.h"
#include "store/metadata_store.h"
#include "store/metadata_tx_common.h"
#include "store/migration.h"

namespace mlops {

// Runs the metadata statements on one engine. `Engine` says only what differs by engine:
//   using Connection;  the engine's connection, inside a transaction its store began, with
//                      Status Execute(const char* sql, const Args&...) for a statement without
//                      rows and Status ExecScript(const char* sql) for several statements
//   using Row;         one result row, as metadata_rows.h reads it
//   Cursor Query(Connection&, const char* sql, const Args&...)  (static, returns StatusOr)
//       runs a statement; Cursor::Next() -> StatusOr<bool> steps to the next row,
//       Cursor::Current() is that row
//   StatusOr<std::int64_t> Update(Connection&, const char* sql, const Args&...)  (static)
//       runs an INSERT, UPDATE or DELETE and returns how many rows it changed
//   std::string_view ViolatedUniqueKey(const Status&)  (static)
//       for a CONFLICT, which unique constraint was violated, as kUniqueKeys names them
//   const UniqueKeys kUniqueKeys;  const MetadataSql& Sql()  (static)
// The helpers below take `sql` as a statement of Engine::Sql(): the connections cache prepared
// statements by the address of their text, which must outlive them.
namespace sql_tx {

template <typename Engine, typename T>
using RowReader = StatusOr<T> (*)(const typename Engine::Row&);

template <typename Engine, typename T, typename... Args>
StatusOr<std::vector<T>> QueryAll(typename Engine::Connection& connection, const std::string& sql,
                                  RowReader<Engine, T> read, const Args&... args) {
  ASSIGN_OR_RETURN(typename Engine::Cursor rows, Engine::Query(connection, sql.c_str(), args...));
  std::vector<T> items;
  while (true) {
    ASSIGN_OR_RETURN(const bool has_row, rows.Next());
    if (!has_row) return items;
    ASSIGN_OR_RETURN(T item, read(rows.Current()));
    items.push_back(std::move(item));
  }
}

template <typename Engine, typename T, typename... Args>
StatusOr<std::optional<T>> QueryFirst(typename Engine::Connection& connection,
                                      const std::string& sql, RowReader<Engine, T> read,
                                      const Args&... args) {
  ASSIGN_OR_RETURN(typename Engine::Cursor rows, Engine::Query(connection, sql.c_str(), args...));
  ASSIGN_OR_RETURN(const bool has_row, rows.Next());
  if (!has_row) return std::optional<T>();
  ASSIGN_OR_RETURN(T item, read(rows.Current()));
  return std::optional<T>(std::move(item));
}

template <typename Engine, typename... Args>
StatusOr<bool> HasRow(typename Engine::Connection& connection, const std::string& sql,
                      const Args&... args) {
  ASSIGN_OR_RETURN(typename Engine::Cursor rows, Engine::Query(connection, sql.c_str(), args...));
  return rows.Next();
}

template <typename Engine, typename... Args>
StatusOr<std::int64_t> QueryCount(typename Engine::Connection& connection, const std::string& sql,
                                  const Args&... args) {
  ASSIGN_OR_RETURN(typename Engine::Cursor rows, Engine::Query(connection, sql.c_str(), args...));
  ASSIGN_OR_RETURN(const bool has_row, rows.Next());
  if (!has_row) return Internal("database error: COUNT returned no row");
  return rows.Current().Int(0);
}

// `filter` are the parameters of the query's WHERE clause.
template <typename Engine, typename T, typename... Filter>
StatusOr<Page<T>> QueryPage(typename Engine::Connection& connection, const ListQuery& query,
                            RowReader<Engine, T> read, PageRequest page, const Filter&... filter) {
  Page<T> result;
  ASSIGN_OR_RETURN(result.items, QueryAll<Engine>(connection, query.select, read, filter...,
                                                  page.limit, page.skip));
  ASSIGN_OR_RETURN(result.total, QueryCount<Engine>(connection, query.count, filter...));
  return result;
}

// For an UPDATE or DELETE of one row by id: NOT_FOUND if it changed nothing.
inline Status ExpectOneChange(const StatusOr<std::int64_t>& changed, std::string_view what,
                              const std::string& id) {
  if (changed.ok() && *changed == 0) return NotFound(NoSuch(what, id));
  return changed.status();
}

}  // namespace sql_tx

// MetadataTx over one connection of `Engine` inside a transaction that its store began. Failure
// modes are those of MetadataTx, and the engine's. Not thread-safe.
template <typename Engine>
class SqlMetadataTx final : public MetadataTx {
 public:
  using Connection = typename Engine::Connection;
  using Row = typename Engine::Row;

  explicit SqlMetadataTx(Connection& connection) : connection_(connection) {}

  Status InsertModel(const Model& model) override {
    Status status =
        connection_.Execute(sql_.insert_model.c_str(), model.id, model.name, model.description,
                            model.task_type, model.owner_id, model.created_at, model.updated_at);
    const std::string_view key = Engine::ViolatedUniqueKey(status);
    if (key == keys_.model_name) return Conflict(DuplicateModelName(model.name));
    if (key == keys_.model_id) return Conflict(DuplicateId("model", model.id));
    return status;
  }

  StatusOr<Model> GetModel(const std::string& id) override {
    return Found(sql_tx::QueryFirst<Engine>(connection_, sql_.get_model, &ReadModel<Row>, id),
                 "model", id);
  }

  StatusOr<Page<Model>> ListModels(const ModelFilter& filter, PageRequest page) override {
    const ListQuery& query =
        sql_.list_models[(filter.task_type ? 1 : 0) + (filter.name_prefix ? 2 : 0)];
    if (!filter.name_prefix) {
      if (!filter.task_type) return ListPage(query, &ReadModel<Row>, page);
      return ListPage(query, &ReadModel<Row>, page, *filter.task_type);
    }
    const std::optional<std::string> prefix_end = PrefixEnd(*filter.name_prefix);
    if (!filter.task_type) {
      return ListPage(query, &ReadModel<Row>, page, *filter.name_prefix, prefix_end);
    }
    return ListPage(query, &ReadModel<Row>, page, *filter.task_type, *filter.name_prefix,
                    prefix_end);
  }

  Status UpdateModel(const Model& model) override {
    return sql_tx::ExpectOneChange(
        Engine::Update(connection_, sql_.update_model.c_str(), model.description, model.task_type,
                       model.owner_id, model.updated_at, model.id),
        "model", model.id);
  }

  Status InsertVersion(const ModelVersion& version) override {
    Status status = connection_.Execute(
        sql_.insert_version.c_str(), version.id, version.model_id, version.version_string,
        version.description, version.artifact_path, ToString(version.model_format),
        ToString(version.interface_type), version.parameters, version.metrics,
        ToString(version.status), version.created_at, version.updated_at,
        version.created_by_user_id, version.artifact_size_bytes, version.artifact_sha256,
        version.io_signature, version.validation_decision);
    if (status.code() == StatusCode::kNotFound) return NotFound(NoSuch("model", version.model_id));
    const std::string_view key = Engine::ViolatedUniqueKey(status);
    if (key == keys_.version_string) {
      return Conflict(DuplicateVersionString(version.model_id, version.version_string));
    }
    if (key == keys_.one_production) return Conflict(kAnotherProductionVersion);
    if (key == keys_.version_id) return Conflict(DuplicateId("version", version.id));
    return status;
  }

  StatusOr<ModelVersion> GetVersion(const std::string& id) override {
    return Found(sql_tx::QueryFirst<Engine>(connection_, sql_.get_version, &ReadVersion<Row>, id),
                 "model version", id);
  }

  StatusOr<std::optional<ModelVersion>> FindVersion(const std::string& model_id,
                                                    const std::string& version_string) override {
    return sql_tx::QueryFirst<Engine>(connection_, sql_.find_version, &ReadVersion<Row>, model_id,
                                      version_string);
  }

  StatusOr<Page<ModelVersion>> ListVersions(const std::string& model_id,
                                            const VersionFilter& filter,
                                            PageRequest page) override {
    if (!filter.status) return ListPage(sql_.list_versions, &ReadVersion<Row>, page, model_id);
    return ListPage(sql_.list_versions_in_status, &ReadVersion<Row>, page, model_id,
                    ToString(*filter.status));
  }

  StatusOr<std::vector<ModelVersion>> ListVersionsInStatus(const std::string& model_id,
                                                           ModelVersionStatus status) override {
    return sql_tx::QueryAll<Engine>(connection_, sql_.versions_in_status, &ReadVersion<Row>,
                                    model_id, ToString(status));
  }

  Status SetVersionStatus(const std::string& id, ModelVersionStatus status,
                          TimestampMs updated_at) override {
    StatusOr<std::int64_t> changed = Engine::Update(connection_, sql_.set_version_status.c_str(),
                                                    ToString(status), updated_at, id);
    if (Engine::ViolatedUniqueKey(changed.status()) == keys_.one_production) {
      return Conflict(kAnotherProductionVersion);
    }
    return sql_tx::ExpectOneChange(changed, "model version", id);
  }

  Status SetVersionIoSignature(const std::string& id, const JsonText& io_signature,
                               TimestampMs updated_at) override {
    return sql_tx::ExpectOneChange(
        Engine::Update(connection_, sql_.set_version_io_signature.c_str(), io_signature, updated_at,
                       id),
        "model version", id);
  }

  Status SetVersionValidationDecision(const std::string& id, const JsonText& decision,
                                      TimestampMs updated_at) override {
    return sql_tx::ExpectOneChange(
        Engine::Update(connection_, sql_.set_version_validation_decision.c_str(), decision,
                       updated_at, id),
        "model version", id);
  }

  StatusOr<std::int64_t> CountActiveDeployments(const std::string& version_id) override {
    return sql_tx::QueryCount<Engine>(connection_, sql_.count_active_deployments, version_id);
  }

  Status InsertFeedback(const Feedback& feedback) override {
    Status status =
        connection_.Execute(sql_.insert_feedback.c_str(), feedback.id, feedback.model_version_id,
                            feedback.user_id, feedback.generation_request_id, feedback.rating,
                            feedback.comment, feedback.feedback_data, feedback.submitted_at);
    if (status.code() == StatusCode::kNotFound) {
      return NotFound(NoSuch("model version", feedback.model_version_id));
    }
    if (Engine::ViolatedUniqueKey(status) == keys_.feedback_id) {
      return Conflict(DuplicateId("feedback", feedback.id));
    }
    return status;
  }

  StatusOr<Page<Feedback>> ListFeedback(const std::string& version_id, PageRequest page) override {
    return ListPage(sql_.list_feedback, &ReadFeedback<Row>, page, version_id);
  }

  StatusOr<FeedbackSummary> SummarizeFeedback(const std::string& version_id) override {
    ASSIGN_OR_RETURN(typename Engine::Cursor rows,
                     Engine::Query(connection_, sql_.feedback_ratings.c_str(), version_id));
    FeedbackSummaryBuilder summary;
    while (true) {
      ASSIGN_OR_RETURN(const bool has_row, rows.Next());
      if (!has_row) return summary.Finish();
      RETURN_IF_ERROR(summary.Add(rows.Current().OptionalInt(0), rows.Current().Int(1)));
    }
  }

  Status InsertValidationResult(const ValidationResult& r) override {
    Status status = connection_.Execute(sql_.insert_validation_result.c_str(), r.id,
                                        r.model_version_id, r.trigger_id, ToString(r.scan_type),
                                        ToString(r.status), r.summary, r.details, r.details_path,
                                        r.validated_at, r.validated_by_user_id, r.created_at);
    if (status.code() == StatusCode::kNotFound) {
      return NotFound(NoSuch("model version", r.model_version_id));
    }
    if (Engine::ViolatedUniqueKey(status) == keys_.validation_result_id) {
      return Conflict(DuplicateId("validation result", r.id));
    }
    return status;
  }

  StatusOr<ValidationResult> GetValidationResult(const std::string& id) override {
    return Found(sql_tx::QueryFirst<Engine>(connection_, sql_.get_validation_result,
                                            &ReadValidationResult<Row>, id),
                 "validation result", id);
  }

  StatusOr<Page<ValidationResult>> ListValidationResults(const std::string& version_id,
                                                         PageRequest page) override {
    return ListPage(sql_.list_validation_results, &ReadValidationResult<Row>, page, version_id);
  }

  StatusOr<std::vector<ValidationResult>> ListTriggerResults(
      const std::string& trigger_id) override {
    return sql_tx::QueryAll<Engine>(connection_, sql_.trigger_results, &ReadValidationResult<Row>,
                                    trigger_id);
  }

  Status EnqueueValidationJob(const ValidationJob& j) override {
    Status status = connection_.Execute(sql_.insert_validation_job.c_str(), j.result_id,
                                        j.trigger_id, j.model_version_id, ToString(j.scan_type),
                                        ToString(j.state), j.attempts, j.lease_token,
                                        j.lease_expires_at, j.created_at, j.updated_at);
    if (status.code() == StatusCode::kNotFound) {
      return NotFound("no validation result '" + j.result_id + "' or model version '" +
                      j.model_version_id + "'");
    }
    if (Engine::ViolatedUniqueKey(status) == keys_.validation_job_id) {
      return Conflict(DuplicateId("validation job", j.result_id));
    }
    return status;
  }

  StatusOr<ValidationJob> GetValidationJob(const std::string& result_id) override {
    return Found(sql_tx::QueryFirst<Engine>(connection_, sql_.get_validation_job,
                                            &ReadValidationJob<Row>, result_id),
                 "validation job", result_id);
  }

  StatusOr<std::vector<ValidationJob>> ListOpenValidationJobs(
      const std::string& version_id) override {
    return sql_tx::QueryAll<Engine>(connection_, sql_.open_validation_jobs, &ReadValidationJob<Row>,
                                    version_id);
  }

  StatusOr<std::optional<ValidationJob>> ClaimValidationJob(const std::string& lease_token,
                                                            TimestampMs now,
                                                            TimestampMs lease_expires_at) override {
    ASSIGN_OR_RETURN(
        std::optional<ValidationJob> job,
        sql_tx::QueryFirst<Engine>(connection_, sql_.claim_validation_job, &ReadValidationJob<Row>,
                                   lease_token, lease_expires_at, now));
    if (job) {
      RETURN_IF_ERROR(connection_.Execute(sql_.set_result_status.c_str(),
                                          ToString(ValidationStatus::kRunning), now,
                                          job->result_id));
    }
    return job;
  }

  Status RenewValidationLease(const std::string& result_id, const std::string& lease_token,
                              TimestampMs lease_expires_at, TimestampMs now) override {
    ASSIGN_OR_RETURN(const std::int64_t renewed,
                     Engine::Update(connection_, sql_.renew_validation_lease.c_str(),
                                    lease_expires_at, now, result_id, lease_token));
    if (renewed == 0) return Conflict(kValidationLeaseLost);
    return OkStatus();
  }

  Status ReleaseValidationJob(const std::string& result_id, const std::string& lease_token,
                              TimestampMs now) override {
    ASSIGN_OR_RETURN(const std::int64_t released,
                     Engine::Update(connection_, sql_.release_validation_job.c_str(), now,
                                    result_id, lease_token));
    if (released == 0) return Conflict(kValidationLeaseLost);
    return connection_.Execute(sql_.set_result_status.c_str(), ToString(ValidationStatus::kPending),
                               now, result_id);
  }

  StatusOr<std::int64_t> ReclaimExpiredValidationJobs(TimestampMs now) override {
    RETURN_IF_ERROR(connection_.Execute(sql_.requeue_expired_results.c_str(), now, now));
    return Engine::Update(connection_, sql_.requeue_expired_jobs.c_str(), now, now);
  }

  Status FinishValidationJob(const ValidationResult& r, const std::string& lease_token) override {
    ASSIGN_OR_RETURN(const std::int64_t finished,
                     Engine::Update(connection_, sql_.finish_validation_job.c_str(), r.validated_at,
                                    r.id, lease_token));
    if (finished == 0) return Conflict(kValidationLeaseLost);
    return sql_tx::ExpectOneChange(
        Engine::Update(connection_, sql_.write_finished_result.c_str(), ToString(r.status),
                       r.summary, r.details, r.details_path, r.validated_at, r.id),
        "validation result", r.id);
  }

  Status InsertApiKey(const ApiKey& key) override {
    Status status = connection_.Execute(sql_.insert_api_key.c_str(), key.id, key.name,
                                        ToString(key.role), key.key_hash, key.created_at);
    const std::string_view violated = Engine::ViolatedUniqueKey(status);
    if (violated == keys_.api_key_hash) return Conflict(kDuplicateApiKeyHash);
    if (violated == keys_.api_key_id) return Conflict(DuplicateId("API key", key.id));
    return status;
  }

  StatusOr<std::optional<ApiKey>> FindApiKeyByHash(const std::string& key_hash) override {
    return sql_tx::QueryFirst<Engine>(connection_, sql_.find_api_key, &ReadApiKey<Row>, key_hash);
  }

  StatusOr<Page<ApiKey>> ListApiKeys(PageRequest page) override {
    return ListPage(sql_.list_api_keys, &ReadApiKey<Row>, page);
  }

  Status DeleteApiKey(const std::string& id) override {
    return sql_tx::ExpectOneChange(Engine::Update(connection_, sql_.delete_api_key.c_str(), id),
                                   "API key", id);
  }

  StatusOr<std::int64_t> CountApiKeys() override {
    return sql_tx::QueryCount<Engine>(connection_, sql_.count_api_keys);
  }

 private:
  template <typename T, typename... Filter>
  StatusOr<mlops::Page<T>> ListPage(const ListQuery& query, sql_tx::RowReader<Engine, T> read,
                                    PageRequest page, const Filter&... filter) {
    return sql_tx::QueryPage<Engine>(connection_, query, read, page, filter...);
  }

  Connection& connection_;
  const MetadataSql& sql_ = Engine::Sql();
  const UniqueKeys& keys_ = Engine::kUniqueKeys;
};

// `fn` of MetadataStore::Write or Read as a callback on one of `Engine`'s connections.
template <typename Engine>
auto OnSqlMetadataTx(const MetadataStore::TxFn& fn) {
  return [&fn](typename Engine::Connection& connection) {
    SqlMetadataTx<Engine> tx(connection);
    return fn(tx);
  };
}

// Applies `migration` inside the caller's transaction on `connection` unless schema_migrations
// records it already; then records it. The migration's error names it.
template <typename Engine>
Status ApplyMigrationOnce(typename Engine::Connection& connection, const Migration& migration) {
  const MetadataSql& sql = Engine::Sql();
  ASSIGN_OR_RETURN(const bool applied,
                   sql_tx::HasRow<Engine>(connection, sql.migration_applied, migration.version));
  if (applied) return OkStatus();
  const Status status = connection.ExecScript(std::string(migration.sql).c_str());
  if (!status.ok()) {
    return Status(status.code(),
                  "migration " + std::string(migration.name) + " failed: " + status.message());
  }
  return connection.Execute(sql.record_migration.c_str(), migration.version, migration.name,
                            NowMs());
}

}  // namespace mlops
