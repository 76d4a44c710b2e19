#include "store/postgres/postgres_metadata_store.h"

#include <string>
#include <utility>

#include "store/metadata_tx_common.h"
#include "store/postgres/postgres_metadata_tx.h"

namespace mlops {
namespace {

using Pool = ConnectionPool<PostgresConnection>;

Pool::Opener Connect(std::string conninfo) {
  return [conninfo = std::move(conninfo)] { return PostgresConnection::Open(conninfo); };
}

// Advisory lock keys (64-bit, chosen at random) of this service in the database. A migration
// waits as long as another starter's migration takes.
constexpr char kWriterLock[] = "7286457914027393101";
constexpr char kBeginMigration[] =
    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(7286457914027393102)";
constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// Runs `fn(PostgresConnection&)` between `begin` and COMMIT on a connection of `pool`; rolls back
// if `fn` or the COMMIT fails. A connection that may be left in a transaction is closed rather
// than reused; a lost one is replaced by the pool.
template <typename Fn>
Status RunTransaction(Pool& pool, const char* begin, const Fn& fn) {
  ASSIGN_OR_RETURN(Pool::Lease connection, pool.Acquire());
  Status status = connection->ExecScript(begin);
  if (status.ok()) status = CallGuarded(fn, *connection);
  // COMMIT of a transaction in which a statement failed would quietly roll back.
  if (status.ok() && connection->TransactionFailed()) {
    status = Internal("a statement of the transaction failed and the transaction was rolled back");
  }
  if (status.ok()) status = connection->ExecScript("COMMIT");
  if (connection->InTransaction() && !connection->ExecScript("ROLLBACK").ok()) connection.Discard();
  return status;
}

}  // namespace

StatusOr<std::unique_ptr<PostgresMetadataStore>> PostgresMetadataStore::Open(
    const std::string& conninfo, Options options) {
  std::unique_ptr<PostgresMetadataStore> store(new PostgresMetadataStore(conninfo, options));
  // Connect now, so that a wrong URL or password fails at start-up rather than on a request.
  ASSIGN_OR_RETURN(Pool::Lease writer, store->writer_.Acquire());
  return store;
}

PostgresMetadataStore::PostgresMetadataStore(const std::string& conninfo, const Options& options)
    : begin_write_("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = " +
                   std::to_string(options.lock_timeout.count()) +
                   "; SELECT pg_advisory_xact_lock(" + kWriterLock + ")"),
      writer_(Connect(conninfo), 1),
      readers_(Connect(conninfo), options.max_read_connections) {}

Status PostgresMetadataStore::Migrate() {
  for (const Migration& migration : postgres::Migrations()) {
    RETURN_IF_ERROR(ApplyMigration(migration));
  }
  return OkStatus();
}

// The advisory lock is held until the transaction ends, so a concurrent starter waits, then finds
// the migration recorded. schema_migrations is created under the lock too: concurrent CREATE TABLE
// IF NOT EXISTS can fail on PostgreSQL's catalog.
Status PostgresMetadataStore::ApplyMigration(const Migration& migration) {
  return RunTransaction(writer_, kBeginMigration, [&](PostgresConnection& connection) -> Status {
    RETURN_IF_ERROR(connection.ExecScript(kCreateMigrationsTable));
    return ApplyMigrationOnce<PostgresEngine>(connection, migration);
  });
}

Status PostgresMetadataStore::Write(const TxFn& fn) {
  return RunTransaction(writer_, begin_write_.c_str(), OnSqlMetadataTx<PostgresEngine>(fn));
}

Status PostgresMetadataStore::Read(const TxFn& fn) {
  return RunTransaction(readers_, kBeginRead, OnSqlMetadataTx<PostgresEngine>(fn));
}

Status PostgresMetadataStore::Ping() {
  ASSIGN_OR_RETURN(Pool::Lease connection, readers_.Acquire());
  return connection->ExecScript("SELECT 1");
}

StatusOr<int> PostgresMetadataStore::SchemaVersion() {
  int version = 0;
  RETURN_IF_ERROR(
      RunTransaction(readers_, kBeginRead, [&](PostgresConnection& connection) -> Status {
        ASSIGN_OR_RETURN(const PostgresResult exists,
                         connection.Query("SELECT to_regclass('schema_migrations') IS NOT NULL"));
        if (exists.Text(0, 0) != "t") return OkStatus();
        ASSIGN_OR_RETURN(
            const PostgresResult result,
            connection.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
        version = static_cast<int>(result.Int(0, 0));
        return OkStatus();
      }));
  return version;
}

}  // namespace mlops
