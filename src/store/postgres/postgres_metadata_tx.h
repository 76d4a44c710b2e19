#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "store/postgres/postgres_connection.h"
#include "store/postgres/postgres_result.h"
#include "store/postgres/postgres_status.h"
#include "store/sql_metadata_tx.h"

namespace mlops {

// How SqlMetadataTx runs on PostgreSQL (see sql_metadata_tx.h for what an engine provides):
// parameters travel in text format and the server infers their types; a statement's rows are
// fetched whole; a unique violation names its constraint. An id that is not a UUID (the column
// type) is INVALID_ARGUMENT, as is JSON text that is not JSON.
struct PostgresEngine {
  using Connection = PostgresConnection;
  using Row = PostgresRow;

  // The rows of one statement, in order.
  class Cursor {
   public:
    explicit Cursor(PostgresResult result) : result_(std::move(result)) {}
    StatusOr<bool> Next() { return ++row_ < result_.Rows(); }
    PostgresRow Current() const { return result_.Row(row_); }

   private:
    PostgresResult result_;
    int row_ = -1;
  };

  template <typename... Args>
  static StatusOr<Cursor> Query(Connection& connection, const char* sql, const Args&... args) {
    ASSIGN_OR_RETURN(PostgresResult result, connection.Query(sql, args...));
    return Cursor(std::move(result));
  }

  template <typename... Args>
  static StatusOr<std::int64_t> Update(Connection& connection, const char* sql,
                                       const Args&... args) {
    ASSIGN_OR_RETURN(const PostgresResult result, connection.Query(sql, args...));
    return result.AffectedRows();
  }

  static std::string_view ViolatedUniqueKey(const Status& status) {
    return ViolatedConstraint(status);
  }

  // The constraint names of migrations/*.sql.
  static constexpr UniqueKeys kUniqueKeys = {
      .model_id = "aimodels_pkey",
      .model_name = "aimodels_name_key",
      .version_id = "aimodelversions_pkey",
      .version_string = "aimodelversions_version_string_key",
      .one_production = "aimodelversions_one_production",
      .feedback_id = "aimodelfeedback_pkey",
      .validation_result_id = "aimodelvalidationresults_pkey",
      .validation_job_id = "validation_jobs_pkey",
      .api_key_id = "api_keys_pkey",
      .api_key_hash = "api_keys_key_hash_key",
  };

  static const MetadataSql& Sql();
};

// MetadataTx over one PostgreSQL connection inside a transaction that PostgresMetadataStore began.
using PostgresMetadataTx = SqlMetadataTx<PostgresEngine>;
extern template class SqlMetadataTx<PostgresEngine>;

}  // namespace mlops
