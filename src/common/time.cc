#include "common/time.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>

namespace mlops {

TimestampMs NowMs() {
  using namespace std::chrono;
  static std::atomic<TimestampMs> last{0};
  const TimestampMs wall =
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  TimestampMs previous = last.load(std::memory_order_relaxed);
  TimestampMs next = 0;
  do {
    next = std::max(wall, previous + 1);
  } while (!last.compare_exchange_weak(previous, next, std::memory_order_relaxed));
  return next;
}

std::string FormatRfc3339(TimestampMs t) {
  std::time_t secs = static_cast<std::time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
  const int ms = static_cast<int>(t - static_cast<TimestampMs>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

}  // namespace mlops
