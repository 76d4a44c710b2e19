#include "store/postgres/postgres_status.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

TEST(PostgresStatusTest, MapsSqlStatesToStatusCodes) {
  EXPECT_EQ(StatusCodeForSqlState("23505"), StatusCode::kConflict);  // unique_violation
  EXPECT_EQ(StatusCodeForSqlState("23503"), StatusCode::kNotFound);  // foreign_key_violation
  EXPECT_EQ(StatusCodeForSqlState("22P02"), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("08006"), StatusCode::kUnavailable);  // connection_failure
  EXPECT_EQ(StatusCodeForSqlState("08001"), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("57P01"), StatusCode::kUnavailable);  // admin_shutdown
  EXPECT_EQ(StatusCodeForSqlState("57P03"), StatusCode::kUnavailable);  // cannot_connect_now
  EXPECT_EQ(StatusCodeForSqlState("53300"), StatusCode::kUnavailable);  // too_many_connections
  EXPECT_EQ(StatusCodeForSqlState("40001"), StatusCode::kUnavailable);  // serialization_failure
  EXPECT_EQ(StatusCodeForSqlState("40P01"), StatusCode::kUnavailable);  // deadlock_detected
  EXPECT_EQ(StatusCodeForSqlState("23514"), StatusCode::kInternal);     // check_violation
  EXPECT_EQ(StatusCodeForSqlState("42P01"), StatusCode::kInternal);     // undefined_table
  EXPECT_EQ(StatusCodeForSqlState("25006"), StatusCode::kInternal);     // read_only_sql_transaction
  EXPECT_EQ(StatusCodeForSqlState(""), StatusCode::kInternal);
}

TEST(PostgresStatusTest, ViolatedConstraintIsReadOnlyFromConflicts) {
  EXPECT_EQ(
      ViolatedConstraint(Conflict("unique constraint violated: aimodels_name_key: duplicate")),
      "aimodels_name_key");
  EXPECT_EQ(ViolatedConstraint(Conflict("a model named 'x' already exists")), "");
  EXPECT_EQ(ViolatedConstraint(Internal("unique constraint violated: x: y")), "");
}

}  // namespace
}  // namespace mlops
