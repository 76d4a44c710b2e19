#include "validation/performance/benchmark_parameters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mlops::validation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

StatusOr<BenchmarkParameters> Parse(const char* json) {
  return ParseBenchmarkParameters(nlohmann::json::parse(json));
}

TEST(BenchmarkParametersTest, ReadsIterationsAndThresholds) {
  auto parsed = Parse(R"({"benchmark_iterations": 7, "max_p50_ms": 2, "max_p95_ms": 3.5,
                          "max_p99_ms": 4, "min_throughput_per_s": 100, "other": "ignored"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->iterations, 7);
  EXPECT_EQ(parsed->max_p50_ms, 2);
  EXPECT_EQ(parsed->max_p95_ms, 3.5);
  EXPECT_EQ(parsed->max_p99_ms, 4);
  EXPECT_EQ(parsed->min_throughput_per_s, 100);
  EXPECT_EQ(ThresholdsToJson(*parsed).size(), 4u);
}

TEST(BenchmarkParametersTest, NothingSetIsNoThresholds) {
  auto parsed = Parse("{}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->iterations.has_value());
  EXPECT_TRUE(ThresholdsToJson(*parsed).empty());
  EXPECT_THAT(FindThresholdViolations(*parsed, {.p99_ms = 1e9}), ElementsAre());
}

TEST(BenchmarkParametersTest, RejectsValuesThatAreNotPositive) {
  for (const char* json : {R"({"benchmark_iterations": 0})", R"({"benchmark_iterations": 2.5})",
                           R"({"benchmark_iterations": 99999999999})", R"({"max_p99_ms": -1})",
                           R"({"max_p99_ms": 0})", R"({"min_throughput_per_s": "many"})"}) {
    auto parsed = Parse(json);
    ASSERT_FALSE(parsed.ok()) << json;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("parameters.")) << json;
  }
}

TEST(BenchmarkParametersTest, EachViolatedThresholdIsNamedBoundsInclusive) {
  auto parsed = Parse(R"({"max_p50_ms": 1, "max_p95_ms": 2, "max_p99_ms": 3,
                          "min_throughput_per_s": 500})");
  ASSERT_TRUE(parsed.ok());
  const runtime::LatencySummary at_limits{
      .p50_ms = 1, .p95_ms = 2, .p99_ms = 3, .throughput_per_s = 500};
  EXPECT_THAT(FindThresholdViolations(*parsed, at_limits), ElementsAre());
  const runtime::LatencySummary over{
      .p50_ms = 1.5, .p95_ms = 2, .p99_ms = 3.25, .throughput_per_s = 499.5};
  EXPECT_THAT(FindThresholdViolations(*parsed, over),
              ElementsAre("p50 latency 1.500 ms exceeds max_p50_ms 1",
                          "p99 latency 3.250 ms exceeds max_p99_ms 3",
                          "throughput 499.500 inferences/s is below min_throughput_per_s 500"));
}

}  // namespace
}  // namespace mlops::validation
