#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/connection_pool.h"
#include "store/metadata_store.h"
#include "store/migration.h"
#include "store/sqlite/sqlite_checkpointer.h"
#include "store/sqlite/sqlite_connection.h"

namespace mlops {

struct SqliteStoreOptions {
  // Connections for concurrent Read() transactions; more readers wait.
  int max_read_connections = 16;
  // How long a transaction waits for another process's lock before failing with UNAVAILABLE.
  std::chrono::milliseconds busy_timeout{5000};
  // How often the WAL is checkpointed into the database file, off the request path.
  std::chrono::milliseconds checkpoint_interval{1000};
};

// The metadata store in one SQLite file (WAL mode), the default backend.
//
// Thread-safe: Read() transactions run concurrently, each on its own pooled query-only connection,
// beside at most one Write() transaction of this process; other writers of this process wait for
// it in the pool, and writers of other processes wait on SQLite's lock (BEGIN IMMEDIATE) for up
// to `busy_timeout`. Several processes may share the file.
class SqliteMetadataStore final : public MetadataStore {
 public:
  using Options = SqliteStoreOptions;

  // Opens the database file at `path`, creating the file (not its directory) if missing.
  // UNAVAILABLE if it cannot be opened as a SQLite database in WAL mode.
  static StatusOr<std::unique_ptr<SqliteMetadataStore>> Open(const std::string& path,
                                                             Options options = {});

  Status Migrate() override;
  Status Write(const TxFn& fn) override;
  Status Read(const TxFn& fn) override;
  Status Ping() override;
  StatusOr<int> SchemaVersion() override;

 private:
  SqliteMetadataStore(const std::string& path, const Options& options);

  // Applies `migration` in its own transaction unless it is recorded as applied already.
  Status ApplyMigration(const Migration& migration);

  // One connection: writes of this process take turns here rather than in SQLite's busy handler,
  // whose sleeps would cost throughput.
  ConnectionPool<SqliteConnection> writer_;
  ConnectionPool<SqliteConnection> readers_;
  std::unique_ptr<SqliteCheckpointer> checkpointer_;
};

}  // namespace mlops
