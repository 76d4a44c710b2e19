#include "store/sqlite/sqlite_connection_pool.h"

#include <utility>

namespace mlops {

SqliteConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

void SqliteConnectionPool::Lease::Discard() {
  connection_.reset();
  pool_->Return(nullptr);
}

SqliteConnectionPool::SqliteConnectionPool(std::string path, SqliteConnectionOptions options,
                                           int capacity)
    : path_(std::move(path)), options_(options), capacity_(capacity) {}

StatusOr<SqliteConnectionPool::Lease> SqliteConnectionPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    released_.wait(lock, [this] { return !idle_.empty() || open_ < capacity_; });
    if (!idle_.empty()) {
      std::unique_ptr<SqliteConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;  // reserve the slot; open outside the lock
  }
  StatusOr<std::unique_ptr<SqliteConnection>> connection = SqliteConnection::Open(path_, options_);
  if (!connection.ok()) {
    Return(nullptr);
    return connection.status();
  }
  return Lease(this, std::move(connection).value());
}

// A null connection gives back the slot of one that was closed or never opened.
void SqliteConnectionPool::Return(std::unique_ptr<SqliteConnection> connection) {
  {
    std::lock_guard lock(mu_);
    if (connection != nullptr) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  released_.notify_one();
}

}  // namespace mlops
