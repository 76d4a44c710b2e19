#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace mlops::http {

// Request counts and latency histograms by method, route pattern and status, rendered in the
// Prometheus text format. Thread-safe; Record() takes one short lock.
class Metrics {
 public:
  void Record(const std::string& method, const std::string& route, int status,
              double seconds);
  std::string RenderPrometheus() const;

  // Upper bounds (seconds) of the latency histogram buckets.
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.1,   0.5,
                                                      2.5,    10.0};

 private:
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};
  };
  using Key = std::tuple<std::string, std::string, int>;

  mutable std::mutex mu_;
  std::map<Key, Series> series_;
};

}  // namespace mlops::http
