#include "store/postgres/postgres_metadata_tx.h"

namespace mlops {

const MetadataSql& PostgresEngine::Sql() {
  static const MetadataSql sql = MakeMetadataSql({
      // A literal prefix as a range over the unique index on name, whose collation is "C"
      // (bytewise, like SQLite's). The upper bound is NULL when no string bounds the prefix.
      .name_prefix_at_1 = "name >= $1 AND ($2::text IS NULL OR name < $2)",
      .name_prefix_at_2 = "name >= $2 AND ($3::text IS NULL OR name < $3)",
      // SKIP LOCKED: a claimer passes over a job another transaction is claiming instead of
      // waiting for it and then finding it taken. (Write() transactions also queue on the writer
      // lock; the claim does not rely on it.)
      .claim_lock = " FOR UPDATE SKIP LOCKED",
      .parameters = [](std::string sql) { return sql; },
  });
  return sql;
}

template class SqlMetadataTx<PostgresEngine>;

}  // namespace mlops
