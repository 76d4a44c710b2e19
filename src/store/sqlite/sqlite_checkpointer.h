#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_connection.h"

namespace mlops {

// Copies the WAL back into the database file on a thread of its own, every `interval`.
//
// By default SQLite checkpoints inside the COMMIT that crosses 1000 WAL pages, and with
// synchronous=NORMAL that checkpoint fsyncs: a request would pay for it every few hundred writes.
// PASSIVE checkpoints here never block readers or writers. Thread-safe; stops when destroyed.
class SqliteCheckpointer {
 public:
  // UNAVAILABLE if the checkpoint connection cannot be opened.
  static StatusOr<std::unique_ptr<SqliteCheckpointer>> Start(const std::string& path,
                                                             std::chrono::milliseconds interval);
  ~SqliteCheckpointer();

 private:
  SqliteCheckpointer(std::unique_ptr<SqliteConnection> connection,
                     std::chrono::milliseconds interval);
  void Loop();

  std::unique_ptr<SqliteConnection> connection_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mlops
