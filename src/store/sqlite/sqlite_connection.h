#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "store/sqlite/sqlite_statement.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mlops {

struct SqliteConnectionOptions {
  // How long a statement waits for another process's lock before failing with UNAVAILABLE.
  std::chrono::milliseconds busy_timeout{5000};
  // Reject every write on this connection (PRAGMA query_only).
  bool query_only = false;
  // Leave WAL checkpoints to a SqliteCheckpointer instead of the committing transaction.
  bool background_checkpoints = false;
};

// One open SQLite connection with its prepared-statement cache. Used by one thread at a time (the
// pool hands it out); not thread-safe.
class SqliteConnection {
 public:
  // Opens (creating if missing) the database file at `path` in WAL mode with foreign keys on.
  // UNAVAILABLE if the file cannot be opened or WAL cannot be enabled.
  static StatusOr<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                          const SqliteConnectionOptions& options);

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  // Runs `sql`, which may hold several statements, discarding any rows. Not cached.
  Status ExecScript(const char* sql);

  // Runs the single statement `sql` (cached, see Prepare) with `args` bound; it must return no
  // rows.
  template <typename... Args>
  Status Execute(const char* sql, const Args&... args) {
    ASSIGN_OR_RETURN(SqliteStatement statement, Prepare(sql));
    return statement.Bind(args...).Run();
  }

  // The cached prepared statement for `sql`, ready to bind. `sql` must outlive the connection:
  // the cache is keyed by its address, so pass a literal or a static string's c_str().
  StatusOr<SqliteStatement> Prepare(const char* sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;

  // True between BEGIN and COMMIT/ROLLBACK (SQLite may end a transaction itself after some errors).
  bool InTransaction() const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace mlops
