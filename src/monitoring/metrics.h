#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mlops::monitoring {

// The values of one series' labels, in the order of its family's label names.
using LabelValues = std::vector<std::string>;

// Counters and histograms by name and labels, rendered in the Prometheus text
// format. Families are added at start-up and live as long as the registry; any
// layer may count through them. Thread-safe: updating a series takes one short
// lock of its family.
class Metrics {
 public:
  // What every family has: a name, a help text and the names of its labels.
  class Family {
   public:
    virtual ~Family() = default;
    Family(const Family&) = delete;
    Family& operator=(const Family&) = delete;

   protected:
    Family(std::string name, std::string help, std::vector<std::string> label_names)
        : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
    // `k1="v1",k2="v2"`, escaped.
    std::string FormatLabels(const LabelValues& values) const;

    const std::string name_;
    const std::string help_;
    const std::vector<std::string> label_names_;
    mutable std::mutex mu_;

   private:
    friend class Metrics;
    // Appends the family's HELP, TYPE and samples.
    virtual void Render(std::string& out) const = 0;
  };

  // A family of monotonically increasing counters.
  class Counter final : public Family {
   public:
    // Adds `by` to the series `labels` (created at 0); one value per label
    // name.
    void Increment(const LabelValues& labels, std::uint64_t by = 1);

   private:
    friend class Metrics;
    using Family::Family;
    void Render(std::string& out) const override;

    std::map<LabelValues, std::uint64_t> series_;
  };

  // A family of histograms sharing their bucket bounds.
  class Histogram final : public Family {
   public:
    // Counts `value` in the series `labels` (one value per label name): in
    // every bucket whose bound is >= value, in the count and in the sum.
    void Observe(const LabelValues& labels, double value);

   private:
    friend class Metrics;
    struct Series {
      std::uint64_t count = 0;
      double sum = 0;
      std::vector<std::uint64_t> buckets;  // cumulative, one per bound
    };
    Histogram(std::string name, std::string help, std::vector<std::string> label_names,
              std::vector<double> bounds)
        : Family(std::move(name), std::move(help), std::move(label_names)),
          bounds_(std::move(bounds)) {}
    void Render(std::string& out) const override;

    const std::vector<double> bounds_;  // upper bounds, increasing; +Inf is implied
    std::map<LabelValues, Series> series_;
  };

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Adds a family; the returned reference lives as long as this registry. Names
  // must be unique within the registry (not checked).
  Counter& AddCounter(std::string name, std::string help, std::vector<std::string> label_names);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                          std::vector<double> bounds);

  // Every family in the order it was added, each family's series in label
  // order.
  std::string RenderPrometheus() const;

 private:
  mutable std::mutex mu_;  // guards the list, not the families' series
  std::vector<std::unique_ptr<Family>> families_;
};

}  // namespace mlops::monitoring
