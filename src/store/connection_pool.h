#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mlops {

// Up to `capacity` connections to one database, opened on demand by `open` and reused.
// A connection that can tell it was lost (one with `bool Healthy() const`, as PostgreSQL's) is
// closed instead of reused, and every idle one is closed with it: they usually share its fate (the
// server restarted or terminated them), and closing them here costs little while handing them out
// would fail one request each. So the pool recovers by itself once the database is back: the next
// Acquire() connects anew. Thread-safe: Acquire() blocks while all connections are leased.
template <typename Connection>
class ConnectionPool {
 public:
  using Opener = std::function<StatusOr<std::unique_ptr<Connection>>()>;

  // Exclusive use of one connection; gives it back to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_ != nullptr) pool_->Return(std::move(connection_));
    }

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

    // Closes the connection instead of reusing it (its state is unknown, e.g. after a failed
    // rollback).
    void Discard() {
      connection_.reset();
      pool_->Return(nullptr);
    }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(Opener open, int capacity) : open_(std::move(open)), capacity_(capacity) {}

  // An idle connection, or a new one while fewer than `capacity` are open; waits otherwise.
  // The error of `open` if a new connection cannot be opened.
  StatusOr<Lease> Acquire() {
    {
      std::unique_lock lock(mu_);
      released_.wait(lock, [this] { return !idle_.empty() || opened_ < capacity_; });
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(connection));
      }
      ++opened_;  // reserve the slot; open outside the lock
    }
    StatusOr<std::unique_ptr<Connection>> connection = open_();
    if (!connection.ok()) {
      Return(nullptr);
      return connection.status();
    }
    return Lease(this, std::move(connection).value());
  }

 private:
  static bool Lost(const Connection& connection) {
    if constexpr (requires { connection.Healthy(); }) {
      return !connection.Healthy();
    } else {
      return false;
    }
  }

  // A null connection gives back the slot of one that was closed or never opened.
  void Return(std::unique_ptr<Connection> connection) {
    std::vector<std::unique_ptr<Connection>> closed;
    {
      std::lock_guard lock(mu_);
      if (connection != nullptr && !Lost(*connection)) {
        idle_.push_back(std::move(connection));
      } else {
        --opened_;
        if (connection != nullptr) {
          opened_ -= static_cast<int>(idle_.size());
          closed.swap(idle_);
        }
      }
    }
    released_.notify_all();
    // `connection` and `closed` close here, outside the lock.
  }

  const Opener open_;
  const int capacity_;

  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int opened_ = 0;                                 // guarded by mu_
};

}  // namespace mlops
