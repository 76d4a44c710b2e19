#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/connection_pool.h"
#include "store/metadata_store.h"
#include "store/migration.h"
#include "store/postgres/postgres_connection.h"

namespace mlops {

struct PostgresStoreOptions {
  // Connections for concurrent Read() transactions; more readers wait.
  int max_read_connections = 16;
  // How long a Write() waits for the writer lock (held by a writer of another process) before
  // failing with UNAVAILABLE; SQLite's busy timeout. Generous, as an upload publishes its object
  // while it holds the lock (UploadService), and completing a large S3 upload can take seconds.
  std::chrono::milliseconds lock_timeout{30000};
};

// The metadata store in a PostgreSQL database (the postgresql:// URL), for several replicas.
//
// Writers are serialized across every process that shares the database, as the port promises:
// each Write() transaction (READ COMMITTED) first takes one transaction-scoped advisory lock.
// Why not less: the services check, then write (RegistryService::ChangeVersionStatus reads the
// PRODUCTION version and demotes it, transitions are checked against the status read, counters
// are read and rewritten). Under READ COMMITTED alone two such writers both pass their checks; the
// unique indexes catch duplicates and a second PRODUCTION version, but not an illegal transition
// or a lost update. SERIALIZABLE would catch those too, at the price of re-running `fn` on
// serialization failures, which the port does not ask callers to tolerate. Write transactions are
// short (artifacts are stored before the metadata is committed), so one lock costs little; it is
// what SQLite does with BEGIN IMMEDIATE. Within a process writers queue for the single writer
// connection rather than in the server.
//
// Read() runs REPEATABLE READ READ ONLY: one snapshot for the whole callback (a page and its total
// agree), never blocked by writers.
//
// Unlike SQLite, a failed statement aborts the whole PostgreSQL transaction: if `fn` goes on after
// a failed call and returns OK, Write() rolls back and returns INTERNAL instead of committing part.
//
// Connections are pooled; a lost connection is replaced on the next call, so the store recovers
// by itself when the database comes back (calls meanwhile are UNAVAILABLE). Thread-safe.
class PostgresMetadataStore final : public MetadataStore {
 public:
  using Options = PostgresStoreOptions;

  // Connects to the database that `conninfo` (a postgresql:// URL or libpq key=value string)
  // names. INVALID_ARGUMENT if it is malformed, UNAVAILABLE if the database cannot be reached or
  // refuses the connection; messages never contain the password.
  static StatusOr<std::unique_ptr<PostgresMetadataStore>> Open(const std::string& conninfo,
                                                               Options options = {});

  // Migrations run under an advisory lock, each in its own transaction, so that replicas starting
  // together apply each one once.
  Status Migrate() override;
  Status Write(const TxFn& fn) override;
  Status Read(const TxFn& fn) override;
  Status Ping() override;
  StatusOr<int> SchemaVersion() override;

 private:
  PostgresMetadataStore(const std::string& conninfo, const Options& options);

  Status ApplyMigration(const Migration& migration);

  const std::string begin_write_;
  ConnectionPool<PostgresConnection> writer_;
  ConnectionPool<PostgresConnection> readers_;
};

}  // namespace mlops
