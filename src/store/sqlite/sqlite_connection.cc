#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <mutex>
#include <string_view>

#include "store/sqlite/sqlite_status.h"

namespace mlops {
namespace {

// SQLite counts memory use under one process-wide mutex on every allocation, which serializes
// otherwise independent connections. We do not read the counters. Possible only before SQLite
// initializes; if something else initialized it first, the setting is left as it is.
void DisableMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, const SqliteConnectionOptions& options) {
  DisableMemoryStatistics();
  sqlite3* db = nullptr;
  // NOMUTEX: the pool gives a connection to one thread at a time.
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // The connection owns `db` from here on, even when opening failed.
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  if (rc != SQLITE_OK) {
    Status status = SqliteStatus(rc, db);
    return Unavailable("cannot open SQLite database '" + path + "': " + status.message());
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));

  // WAL lets readers run beside the one writer. synchronous=NORMAL in WAL mode syncs the log at
  // checkpoints only: a committed transaction survives a crash of the process (its pages are in
  // the OS's hands), and the database never corrupts; only a power loss or OS crash may lose the
  // last commits. That is the trade the service makes for write throughput.
  {
    ASSIGN_OR_RETURN(SqliteStatement wal, connection->Prepare("PRAGMA journal_mode=WAL"));
    ASSIGN_OR_RETURN(const bool has_row, wal.Step());
    if (!has_row || wal.Text(0) != "wal") {
      return Unavailable("cannot enable WAL journal mode on SQLite database '" + path + "'");
    }
  }
  RETURN_IF_ERROR(connection->ExecScript("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"));
  if (options.query_only) RETURN_IF_ERROR(connection->Execute("PRAGMA query_only=ON"));
  if (options.background_checkpoints) {
    RETURN_IF_ERROR(connection->ExecScript("PRAGMA wal_autocheckpoint=0"));
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status SqliteConnection::ExecScript(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_);
  return OkStatus();
}

StatusOr<SqliteStatement> SqliteConnection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteStatus(rc, db_);
    it = statements_.emplace(sql, stmt).first;
  }
  return SqliteStatement(it->second);
}

std::int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db_); }

bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace mlops
