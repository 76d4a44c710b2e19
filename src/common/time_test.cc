#include "common/time.h"

#include <gtest/gtest.h>

#include <chrono>

namespace mlops {
namespace {

TEST(TimeTest, NowIsStrictlyIncreasingAndNearTheClock) {
  using namespace std::chrono;
  const TimestampMs wall =
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  TimestampMs previous = NowMs();
  EXPECT_GE(previous, wall);
  for (int i = 0; i < 1000; ++i) {
    const TimestampMs now = NowMs();
    EXPECT_GT(now, previous);
    previous = now;
  }
  EXPECT_LT(previous - wall, 5000);
}

TEST(TimeTest, FormatsRfc3339WithMillisecondsAndZ) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1790071200123), "2026-09-22T10:00:00.123Z");
}

}  // namespace
}  // namespace mlops
