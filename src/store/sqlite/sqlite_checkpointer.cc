#include "store/sqlite/sqlite_checkpointer.h"

#include "common/logging.h"

namespace mlops {

StatusOr<std::unique_ptr<SqliteCheckpointer>> SqliteCheckpointer::Start(
    const std::string& path, std::chrono::milliseconds interval) {
  ASSIGN_OR_RETURN(auto connection,
                   SqliteConnection::Open(path, {.busy_timeout = std::chrono::milliseconds(0),
                                                 .query_only = false,
                                                 .background_checkpoints = true}));
  return std::unique_ptr<SqliteCheckpointer>(
      new SqliteCheckpointer(std::move(connection), interval));
}

SqliteCheckpointer::SqliteCheckpointer(std::unique_ptr<SqliteConnection> connection,
                                       std::chrono::milliseconds interval)
    : connection_(std::move(connection)), interval_(interval), thread_([this] { Loop(); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SqliteCheckpointer::Loop() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    const Status s = connection_->ExecScript("PRAGMA wal_checkpoint(PASSIVE)");
    if (!s.ok()) Log(LogLevel::kWarn, "SQLite checkpoint failed", {{"error", s.message()}});
    lock.lock();
  }
}

}  // namespace mlops
