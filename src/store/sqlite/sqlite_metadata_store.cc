#include "store/sqlite/sqlite_metadata_store.h"

#include <string>
#include <utility>

#include "store/metadata_tx_common.h"
#include "store/sqlite/sqlite_metadata_tx.h"

namespace mlops {
namespace {

using Pool = ConnectionPool<SqliteConnection>;

Pool::Opener OpenFile(std::string path, SqliteConnectionOptions options) {
  return [path = std::move(path), options] { return SqliteConnection::Open(path, options); };
}

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

// Runs `fn(SqliteConnection&)` between `begin` and COMMIT on a connection of `pool`; rolls back
// if `fn` or the COMMIT fails.
template <typename Fn>
Status RunTransaction(Pool& pool, const char* begin, const Fn& fn) {
  ASSIGN_OR_RETURN(Pool::Lease connection, pool.Acquire());
  RETURN_IF_ERROR(connection->Execute(begin));
  Status status = CallGuarded(fn, *connection);
  if (status.ok()) status = connection->Execute("COMMIT");
  // SQLite ends the transaction itself after some errors; roll back only one still open.
  if (connection->InTransaction() && !connection->Execute("ROLLBACK").ok()) connection.Discard();
  return status;
}

// BEGIN IMMEDIATE takes the write lock at once, so writers are serialized from their first read
// and what `fn` checks still holds at COMMIT.
template <typename Fn>
Status RunWrite(Pool& pool, const Fn& fn) {
  return RunTransaction(pool, "BEGIN IMMEDIATE", fn);
}

template <typename... Args>
StatusOr<bool> HasRow(SqliteConnection& connection, const char* sql, const Args&... args) {
  ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(sql));
  return statement.Bind(args...).Step();
}

}  // namespace

StatusOr<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(const std::string& path,
                                                                         Options options) {
  std::unique_ptr<SqliteMetadataStore> store(new SqliteMetadataStore(path, options));
  // Open the writer now: it creates the file and switches it to WAL before any reader opens.
  ASSIGN_OR_RETURN(Pool::Lease writer, store->writer_.Acquire());
  ASSIGN_OR_RETURN(store->checkpointer_,
                   SqliteCheckpointer::Start(path, options.checkpoint_interval));
  return store;
}

SqliteMetadataStore::SqliteMetadataStore(const std::string& path, const Options& options)
    : writer_(OpenFile(path, {.busy_timeout = options.busy_timeout,
                              .query_only = false,
                              .background_checkpoints = true}),
              1),
      readers_(OpenFile(path, {.busy_timeout = options.busy_timeout, .query_only = true}),
               options.max_read_connections) {}

Status SqliteMetadataStore::Migrate() {
  {
    ASSIGN_OR_RETURN(Pool::Lease connection, writer_.Acquire());
    RETURN_IF_ERROR(connection->Execute(kCreateMigrationsTable));
  }
  for (const Migration& migration : sqlite::Migrations()) {
    RETURN_IF_ERROR(ApplyMigration(migration));
  }
  return OkStatus();
}

Status SqliteMetadataStore::ApplyMigration(const Migration& migration) {
  // Checked inside the transaction: another process may have applied it meanwhile.
  return RunWrite(writer_, [&](SqliteConnection& connection) {
    return ApplyMigrationOnce<SqliteEngine>(connection, migration);
  });
}

Status SqliteMetadataStore::Write(const TxFn& fn) {
  return RunWrite(writer_, OnSqlMetadataTx<SqliteEngine>(fn));
}

Status SqliteMetadataStore::Read(const TxFn& fn) {
  return RunTransaction(readers_, "BEGIN", OnSqlMetadataTx<SqliteEngine>(fn));
}

Status SqliteMetadataStore::Ping() {
  return RunTransaction(readers_, "BEGIN", [](SqliteConnection& connection) -> Status {
    ASSIGN_OR_RETURN(SqliteStatement statement,
                     connection.Prepare("SELECT COUNT(*) FROM sqlite_master"));
    return statement.Step().status();
  });
}

StatusOr<int> SqliteMetadataStore::SchemaVersion() {
  int version = 0;
  RETURN_IF_ERROR(RunTransaction(readers_, "BEGIN", [&](SqliteConnection& connection) -> Status {
    ASSIGN_OR_RETURN(const bool exists,
                     HasRow(connection,
                            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'schema_migrations'"));
    if (!exists) return OkStatus();
    ASSIGN_OR_RETURN(SqliteStatement statement,
                     connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    ASSIGN_OR_RETURN(const bool has_row, statement.Step());
    if (has_row) version = static_cast<int>(statement.Int(0));
    return OkStatus();
  }));
  return version;
}

}  // namespace mlops
