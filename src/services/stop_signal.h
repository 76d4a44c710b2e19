#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace mlops {

// A one-way "stop" flag that sleeping threads can wait on. Thread-safe.
class StopSignal {
 public:
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
  }

  bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

  // Sleeps for `duration` unless stopped first; true if the whole duration passed.
  bool SleepFor(std::chrono::milliseconds duration) const {
    std::unique_lock lock(mutex_);
    return !changed_.wait_for(lock, duration, [this] { return stopped_; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stopped_ = false;
};

}  // namespace mlops
