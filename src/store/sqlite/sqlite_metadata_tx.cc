#include "store/sqlite/sqlite_metadata_tx.h"

#include <cctype>

namespace mlops {

std::string SqliteParameters(std::string sql) {
  bool in_literal = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\'') in_literal = !in_literal;
    const bool numbered =
        i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]));
    if (!in_literal && sql[i] == '$' && numbered) sql[i] = '?';
  }
  return sql;
}

const MetadataSql& SqliteEngine::Sql() {
  static const MetadataSql sql = MakeMetadataSql({
      // A literal, case-sensitive prefix as a range over the unique index on name. The upper
      // bound is NULL when no string bounds the prefix from above; coalesce() then compares with
      // an empty BLOB, which SQLite orders after every TEXT value.
      .name_prefix_at_1 = "name >= $1 AND name < coalesce($2, x'')",
      .name_prefix_at_2 = "name >= $2 AND name < coalesce($3, x'')",
      // None needed: writers are serialized (BEGIN IMMEDIATE), so the oldest queued job cannot be
      // taken by another claimer between the subquery and the update.
      .claim_lock = "",
      .parameters = &SqliteParameters,
  });
  return sql;
}

template class SqlMetadataTx<SqliteEngine>;

}  // namespace mlops
