#include "http/request_metrics.h"

namespace mlops::http {

RequestMetrics::RequestMetrics(monitoring::Metrics& metrics)
    : requests_(metrics.AddCounter("mlops_http_requests_total", "HTTP requests answered.",
                                   {"method", "route", "status"})),
      durations_(metrics.AddHistogram(
          "mlops_http_request_duration_seconds", "Time from request headers to response.",
          {"method", "route", "status"},
          // Upper bounds in seconds: from a cached lookup to a large upload.
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5, 10.0})) {}

void RequestMetrics::Record(const std::string& method, const std::string& route, int status,
                            double seconds) {
  const monitoring::LabelValues labels = {method, route, std::to_string(status)};
  requests_.Increment(labels);
  durations_.Observe(labels, seconds);
}

}  // namespace mlops::http
