#include "store/postgres/postgres_connection_pool.h"

#include <utility>

namespace mlops {

PostgresConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

void PostgresConnectionPool::Lease::Discard() {
  connection_.reset();
  pool_->Return(nullptr);
}

PostgresConnectionPool::PostgresConnectionPool(std::string conninfo, int capacity)
    : conninfo_(std::move(conninfo)), capacity_(capacity) {}

StatusOr<PostgresConnectionPool::Lease> PostgresConnectionPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    released_.wait(lock, [this] { return !idle_.empty() || open_ < capacity_; });
    if (!idle_.empty()) {
      std::unique_ptr<PostgresConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;  // reserve the slot; connect outside the lock
  }
  StatusOr<std::unique_ptr<PostgresConnection>> connection = PostgresConnection::Open(conninfo_);
  if (!connection.ok()) {
    Return(nullptr);
    return connection.status();
  }
  return Lease(this, std::move(connection).value());
}

// A null connection gives back the slot of one that was closed or never opened. Idle connections
// are closed with a lost one: closing them here costs little, while handing them out would fail
// one request each.
void PostgresConnectionPool::Return(std::unique_ptr<PostgresConnection> connection) {
  std::vector<std::unique_ptr<PostgresConnection>> closed;
  {
    std::lock_guard lock(mu_);
    if (connection != nullptr && connection->Healthy()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
      if (connection != nullptr) {
        open_ -= static_cast<int>(idle_.size());
        closed.swap(idle_);
      }
    }
  }
  released_.notify_all();
  // `connection` and `closed` close here, outside the lock.
}

}  // namespace mlops
