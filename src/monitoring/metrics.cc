#include "monitoring/metrics.h"

#include <fmt/format.h>

#include <iterator>

namespace mlops::monitoring {
namespace {

// Label values are mostly names we chose, but escape anyway.
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

// `{labels}`, or nothing when there are none.
std::string Braced(const std::string& labels) {
  return labels.empty() ? std::string() : "{" + labels + "}";
}

}  // namespace

std::string Metrics::Family::FormatLabels(const LabelValues& values) const {
  std::string out;
  for (std::size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    fmt::format_to(std::back_inserter(out), "{}=\"{}\"", label_names_[i], Escape(values[i]));
  }
  return out;
}

void Metrics::Counter::Increment(const LabelValues& labels, std::uint64_t by) {
  std::lock_guard lock(mu_);
  series_[labels] += by;
}

void Metrics::Counter::Render(std::string& out) const {
  std::map<LabelValues, std::uint64_t> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot = series_;
  }
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} counter\n", name_, help_, name_);
  for (const auto& [labels, value] : snapshot) {
    fmt::format_to(std::back_inserter(out), "{}{} {}\n", name_, Braced(FormatLabels(labels)),
                   value);
  }
}

void Metrics::Histogram::Observe(const LabelValues& labels, double value) {
  std::lock_guard lock(mu_);
  Series& s = series_[labels];
  if (s.buckets.empty()) s.buckets.resize(bounds_.size());
  ++s.count;
  s.sum += value;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) ++s.buckets[i];
  }
}

void Metrics::Histogram::Render(std::string& out) const {
  std::map<LabelValues, Series> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot = series_;
  }
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} histogram\n", name_, help_,
                 name_);
  for (const auto& [values, s] : snapshot) {
    const std::string labels = FormatLabels(values);
    const std::string prefix = labels.empty() ? labels : labels + ",";
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      fmt::format_to(std::back_inserter(out), "{}_bucket{{{}le=\"{}\"}} {}\n", name_, prefix,
                     bounds_[i], s.buckets[i]);
    }
    fmt::format_to(std::back_inserter(out), "{}_bucket{{{}le=\"+Inf\"}} {}\n", name_, prefix,
                   s.count);
    fmt::format_to(std::back_inserter(out), "{}_sum{} {}\n", name_, Braced(labels), s.sum);
    fmt::format_to(std::back_inserter(out), "{}_count{} {}\n", name_, Braced(labels), s.count);
  }
}

Metrics::Counter& Metrics::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  auto* family = new Counter(std::move(name), std::move(help), std::move(label_names));
  std::lock_guard lock(mu_);
  families_.emplace_back(family);
  return *family;
}

Metrics::Histogram& Metrics::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  auto* family =
      new Histogram(std::move(name), std::move(help), std::move(label_names), std::move(bounds));
  std::lock_guard lock(mu_);
  families_.emplace_back(family);
  return *family;
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& family : families_) family->Render(out);
  return out;
}

}  // namespace mlops::monitoring
