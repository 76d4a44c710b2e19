#include "common/time.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

TEST(TimeTest, FormatsRfc3339WithMillisecondsAndZ) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(4102444799999), "2099-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimeTest, NowIsAfterThisCodeWasWritten) { EXPECT_GT(NowMs(), 1795000000000); }

}  // namespace
}  // namespace mlops
