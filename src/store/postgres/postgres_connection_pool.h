#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/postgres/postgres_connection.h"

namespace mlops {

// Up to `capacity` connections to one database, opened on demand and reused. A connection that
// failed is closed instead of reused, and a lost connection closes every idle one too (they
// usually share its fate: the server restarted or terminated them), so the pool recovers by itself
// once the database is back: the next Acquire() connects anew. Thread-safe: Acquire() blocks while
// all connections are leased.
class PostgresConnectionPool {
 public:
  // Exclusive use of one connection; gives it back to the pool when destroyed.
  class Lease {
   public:
    Lease(PostgresConnectionPool* pool, std::unique_ptr<PostgresConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    PostgresConnection& operator*() const { return *connection_; }
    PostgresConnection* operator->() const { return connection_.get(); }

    // Closes the connection instead of reusing it (its state is unknown, e.g. after a failed
    // rollback).
    void Discard();

   private:
    PostgresConnectionPool* pool_;
    std::unique_ptr<PostgresConnection> connection_;
  };

  PostgresConnectionPool(std::string conninfo, int capacity);

  // An idle connection, or a new one while fewer than `capacity` are open; waits otherwise.
  // UNAVAILABLE (or INVALID_ARGUMENT for a malformed URL) if a new connection cannot be opened.
  StatusOr<Lease> Acquire();

 private:
  void Return(std::unique_ptr<PostgresConnection> connection);

  const std::string conninfo_;
  const int capacity_;

  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                           // guarded by mu_
};

}  // namespace mlops
