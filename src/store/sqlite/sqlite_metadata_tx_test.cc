#include "store/sqlite/sqlite_metadata_tx.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

TEST(SqliteParametersTest, WritesNumberedParametersInSqliteForm) {
  EXPECT_EQ(SqliteParameters("UPDATE t SET a = $1, b = $2 WHERE id = $10"),
            "UPDATE t SET a = ?1, b = ?2 WHERE id = ?10");
}

TEST(SqliteParametersTest, LeavesStringLiteralsAndOtherDollarsAlone) {
  EXPECT_EQ(SqliteParameters("SELECT '$1', 'it''s $2', $a, $ FROM t WHERE x = $3"),
            "SELECT '$1', 'it''s $2', $a, $ FROM t WHERE x = ?3");
}

TEST(SqliteEngineTest, EveryStatementNumbersItsParametersInOrder) {
  const MetadataSql& sql = SqliteEngine::Sql();
  // SqliteStatement binds left to right: ?N must appear as ?1, ?2, ... in that order.
  for (const std::string* statement :
       {&sql.insert_version, &sql.list_models[3].select, &sql.claim_validation_job,
        &sql.write_finished_result, &sql.record_migration}) {
    int expected = 1;
    for (std::size_t at = statement->find('?'); at != std::string::npos;
         at = statement->find('?', at + 1)) {
      EXPECT_EQ(std::stoi(statement->substr(at + 1)), expected++) << *statement;
    }
    EXPECT_GT(expected, 1) << *statement;
    EXPECT_EQ(statement->find('$'), std::string::npos) << *statement;
  }
}

}  // namespace
}  // namespace mlops
