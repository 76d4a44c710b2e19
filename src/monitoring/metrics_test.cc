#include "monitoring/metrics.h"

#include <gtest/gtest.h>

namespace mlops::monitoring {
namespace {

TEST(MetricsTest, RendersCountersInLabelOrderWithEscapedValues) {
  Metrics metrics;
  Metrics::Counter& c = metrics.AddCounter("jobs_total", "Jobs run.", {"kind", "result"});
  c.Increment({"scan", "ok"});
  c.Increment({"scan", "ok"}, 2);
  c.Increment({"a\"b", "x\\y\nz"});
  EXPECT_EQ(metrics.RenderPrometheus(),
            "# HELP jobs_total Jobs run.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"a\\\"b\",result=\"x\\\\y\\nz\"} 1\n"
            "jobs_total{kind=\"scan\",result=\"ok\"} 3\n");
}

TEST(MetricsTest, RendersCumulativeHistogramBuckets) {
  Metrics metrics;
  Metrics::Histogram& h = metrics.AddHistogram("latency_seconds", "Latency.", {"op"}, {0.5, 2.0});
  h.Observe({"get"}, 0.25);
  h.Observe({"get"}, 1.0);
  h.Observe({"get"}, 4.0);
  EXPECT_EQ(metrics.RenderPrometheus(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{op=\"get\",le=\"0.5\"} 1\n"
            "latency_seconds_bucket{op=\"get\",le=\"2\"} 2\n"
            "latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{op=\"get\"} 5.25\n"
            "latency_seconds_count{op=\"get\"} 3\n");
}

TEST(MetricsTest, RendersFamiliesInTheOrderTheyWereAddedAndUnlabelledSeriesBare) {
  Metrics metrics;
  metrics.AddHistogram("b_seconds", "B.", {}, {1.0}).Observe({}, 0.5);
  metrics.AddCounter("a_total", "A.", {}).Increment({});
  EXPECT_EQ(metrics.RenderPrometheus(),
            "# HELP b_seconds B.\n"
            "# TYPE b_seconds histogram\n"
            "b_seconds_bucket{le=\"1\"} 1\n"
            "b_seconds_bucket{le=\"+Inf\"} 1\n"
            "b_seconds_sum 0.5\n"
            "b_seconds_count 1\n"
            "# HELP a_total A.\n"
            "# TYPE a_total counter\n"
            "a_total 1\n");
}

}  // namespace
}  // namespace mlops::monitoring
