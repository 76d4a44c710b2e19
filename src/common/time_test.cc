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

TEST(TimeTest, ParsesWhatItFormats) {
  for (TimestampMs t : {TimestampMs{0}, TimestampMs{951782400123}, NowMs()}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t);
  }
  EXPECT_EQ(ParseRfc3339("2010-11-10T20:48:33Z"), TimestampMs{1289422113000});
  EXPECT_EQ(ParseRfc3339("2010-11-10T20:48:33.5Z"), TimestampMs{1289422113500});
  EXPECT_EQ(ParseRfc3339("2010-11-10T20:48:33.123456789Z"), TimestampMs{1289422113123});
  for (const char* bad : {"", "2010-11-10", "2010-11-10T20:48:33", "2010-11-10T20:48:33+01:00",
                          "2010-13-10T20:48:33Z", "2010-11-10T20:48:33.Z", "2010-11-10 20:48:33Z",
                          "2010-11-10T20:48:33Zjunk", "20a0-11-10T20:48:33Z"}) {
    EXPECT_EQ(ParseRfc3339(bad), std::nullopt) << bad;
  }
}

TEST(TimeTest, NowIsAfterThisCodeWasWritten) { EXPECT_GT(NowMs(), 1795000000000); }

}  // namespace
}  // namespace mlops
