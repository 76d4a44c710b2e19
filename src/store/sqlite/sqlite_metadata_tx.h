#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "store/sql_metadata_tx.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_statement.h"
#include "store/sqlite/sqlite_status.h"

namespace mlops {

// How SqlMetadataTx runs on SQLite (see sql_metadata_tx.h for what an engine provides): a
// statement's rows are stepped through one at a time; a unique violation names the constrained
// columns ("table.column, ...").
struct SqliteEngine {
  using Connection = SqliteConnection;
  using Row = SqliteStatement;

  // The rows of one statement, in order. The statement is reset when the cursor is destroyed.
  class Cursor {
   public:
    explicit Cursor(SqliteStatement statement) : statement_(std::move(statement)) {}
    StatusOr<bool> Next() { return statement_.Step(); }
    const SqliteStatement& Current() const { return statement_; }

   private:
    SqliteStatement statement_;
  };

  template <typename... Args>
  static StatusOr<Cursor> Query(Connection& connection, const char* sql, const Args&... args) {
    ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(sql));
    statement.Bind(args...);
    return Cursor(std::move(statement));
  }

  template <typename... Args>
  static StatusOr<std::int64_t> Update(Connection& connection, const char* sql,
                                       const Args&... args) {
    RETURN_IF_ERROR(connection.Execute(sql, args...));
    return connection.Changes();
  }

  static std::string_view ViolatedUniqueKey(const Status& status) {
    return ConflictColumns(status);
  }

  // The columns SQLite names for each constraint of migrations/*.sql.
  static constexpr UniqueKeys kUniqueKeys = {
      .model_id = "aimodels.id",
      .model_name = "aimodels.name",
      .version_id = "aimodelversions.id",
      .version_string = "aimodelversions.model_id, aimodelversions.version_string",
      .one_production = "aimodelversions.model_id",
      .feedback_id = "aimodelfeedback.id",
      .validation_result_id = "aimodelvalidationresults.id",
      .validation_job_id = "validation_jobs.result_id",
      .api_key_id = "api_keys.id",
      .api_key_hash = "api_keys.key_hash",
  };

  static const MetadataSql& Sql();
};

// MetadataTx over one SQLite connection inside a transaction that SqliteMetadataStore began.
using SqliteMetadataTx = SqlMetadataTx<SqliteEngine>;
extern template class SqlMetadataTx<SqliteEngine>;

// `sql` with each numbered parameter $N outside string literals written as SQLite's ?N.
std::string SqliteParameters(std::string sql);

}  // namespace mlops
