#pragma once

#include <string>

#include "monitoring/metrics.h"

namespace mlops::http {

// The server's request counts and latency histograms, by method, route pattern
// and status, registered in the process's metrics (mlops_http_requests_total,
// mlops_http_request_duration_seconds). Thread-safe.
class RequestMetrics {
 public:
  // Adds the two families to `metrics`, which must outlive this object.
  explicit RequestMetrics(monitoring::Metrics& metrics);

  void Record(const std::string& method, const std::string& route, int status, double seconds);

 private:
  monitoring::Metrics::Counter& requests_;
  monitoring::Metrics::Histogram& durations_;
};

}  // namespace mlops::http
