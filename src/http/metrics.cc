#include "http/metrics.h"

#include <fmt/format.h>

namespace mlops::http {
namespace {

// Label values are route patterns and methods we chose, but escape anyway.
std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::Record(const std::string& method, const std::string& route, int status,
                     double seconds) {
  std::lock_guard lock(mu_);
  Series& s = series_[Key{method, route, status}];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++s.buckets[i];
  }
}

std::string Metrics::RenderPrometheus() const {
  std::map<Key, Series> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot = series_;
  }
  std::string out;
  out += "# HELP mlops_http_requests_total HTTP requests answered.\n";
  out += "# TYPE mlops_http_requests_total counter\n";
  for (const auto& [key, s] : snapshot) {
    const auto& [method, route, status] = key;
    fmt::format_to(std::back_inserter(out),
                   "mlops_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                   Escape(method), Escape(route), status, s.count);
  }
  out += "# HELP mlops_http_request_duration_seconds Time from request headers to response.\n";
  out += "# TYPE mlops_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : snapshot) {
    const auto& [method, route, status] = key;
    const std::string labels = fmt::format("method=\"{}\",route=\"{}\",status=\"{}\"",
                                           Escape(method), Escape(route), status);
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      fmt::format_to(std::back_inserter(out),
                     "mlops_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                     kBuckets[i], s.buckets[i]);
    }
    fmt::format_to(std::back_inserter(out),
                   "mlops_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                   s.count);
    fmt::format_to(std::back_inserter(out), "mlops_http_request_duration_seconds_sum{{{}}} {}\n",
                   labels, s.sum);
    fmt::format_to(std::back_inserter(out), "mlops_http_request_duration_seconds_count{{{}}} {}\n",
                   labels, s.count);
  }
  return out;
}

}  // namespace mlops::http
