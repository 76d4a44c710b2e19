#include "runtime/run_timing.h"

#include <gtest/gtest.h>

#include <numeric>

namespace mlops::runtime {
namespace {

// Counts runs and fails the one numbered `fail_at` (1-based; 0: never).
class CountingModel final : public LoadedModel {
 public:
  explicit CountingModel(int fail_at = 0) : fail_at_(fail_at) {}
  const IoSignature& signature() const override { return signature_; }
  int runs() const { return runs_; }

 private:
  StatusOr<std::vector<Tensor>> RunImpl(const std::vector<Tensor>&) override {
    if (++runs_ == fail_at_) return InvalidArgument("run failed");
    return std::vector<Tensor>{};
  }

  IoSignature signature_;
  int fail_at_;
  int runs_ = 0;
};

TEST(RunTimingTest, WarmsUpThenTimesEachRun) {
  CountingModel model;
  auto timings = TimeRuns(model, {}, 3, 10);
  ASSERT_TRUE(timings.ok()) << timings.status().ToString();
  EXPECT_EQ(model.runs(), 13);
  EXPECT_EQ(timings->latencies_ms.size(), 10u);
  EXPECT_GT(timings->total_seconds, 0);
}

TEST(RunTimingTest, AFailingRunStopsTiming) {
  CountingModel model(/*fail_at=*/5);
  auto timings = TimeRuns(model, {}, 2, 10);
  ASSERT_FALSE(timings.ok());
  EXPECT_EQ(timings.status().message(), "run failed");
  EXPECT_EQ(model.runs(), 5);
}

TEST(RunTimingTest, NearestRankPercentilesAndThroughput) {
  RunTimings timings;
  timings.latencies_ms.resize(100);
  std::iota(timings.latencies_ms.rbegin(), timings.latencies_ms.rend(), 1.0);  // 100 .. 1
  timings.total_seconds = 2.0;
  const LatencySummary summary = Summarize(timings);
  EXPECT_EQ(summary.runs, 100u);
  EXPECT_DOUBLE_EQ(summary.p50_ms, 50);
  EXPECT_DOUBLE_EQ(summary.p95_ms, 95);
  EXPECT_DOUBLE_EQ(summary.p99_ms, 99);
  EXPECT_DOUBLE_EQ(summary.min_ms, 1);
  EXPECT_DOUBLE_EQ(summary.max_ms, 100);
  EXPECT_DOUBLE_EQ(summary.mean_ms, 50.5);
  EXPECT_DOUBLE_EQ(summary.throughput_per_s, 50);
}

TEST(RunTimingTest, OneRunIsEveryPercentile) {
  const LatencySummary summary = Summarize({.latencies_ms = {4.0}, .total_seconds = 0.004});
  EXPECT_DOUBLE_EQ(summary.p50_ms, 4);
  EXPECT_DOUBLE_EQ(summary.p99_ms, 4);
  EXPECT_DOUBLE_EQ(summary.throughput_per_s, 250);
}

TEST(RunTimingTest, NoRunsAreAllZero) {
  const LatencySummary summary = Summarize({});
  EXPECT_EQ(summary.runs, 0u);
  EXPECT_DOUBLE_EQ(summary.p99_ms, 0);
  EXPECT_DOUBLE_EQ(summary.throughput_per_s, 0);
}

}  // namespace
}  // namespace mlops::runtime
