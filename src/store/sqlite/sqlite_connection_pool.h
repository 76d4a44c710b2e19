#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/sqlite/sqlite_connection.h"

namespace mlops {

// Up to `capacity` connections to one database file, opened on demand and reused. Thread-safe:
// Acquire() blocks while all of them are leased.
class SqliteConnectionPool {
 public:
  // Exclusive use of one connection; gives it back to the pool when destroyed.
  class Lease {
   public:
    Lease(SqliteConnectionPool* pool, std::unique_ptr<SqliteConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    SqliteConnection& operator*() const { return *connection_; }
    SqliteConnection* operator->() const { return connection_.get(); }

    // Closes the connection instead of reusing it (its state is unknown after a failed rollback).
    void Discard();

   private:
    SqliteConnectionPool* pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  SqliteConnectionPool(std::string path, SqliteConnectionOptions options, int capacity);

  // An idle connection, or a new one while fewer than `capacity` are open; waits otherwise.
  // UNAVAILABLE if a new connection cannot be opened.
  StatusOr<Lease> Acquire();

 private:
  void Return(std::unique_ptr<SqliteConnection> connection);

  const std::string path_;
  const SqliteConnectionOptions options_;
  const int capacity_;

  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                         // guarded by mu_
};

}  // namespace mlops
