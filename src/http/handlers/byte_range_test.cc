#include "http/handlers/byte_range.h"

#include <gtest/gtest.h>

namespace mlops::http {
namespace {

using Kind = RangeResult::Kind;

void ExpectPartial(std::string_view header, std::int64_t size, std::int64_t offset,
                   std::int64_t length) {
  RangeResult r = ResolveRange(header, size);
  EXPECT_EQ(r.kind, Kind::kPartial) << header;
  EXPECT_EQ(r.range.offset, offset) << header;
  EXPECT_EQ(r.range.length, length) << header;
}

TEST(ByteRangeTest, SatisfiableRanges) {
  ExpectPartial("bytes=0-0", 10, 0, 1);
  ExpectPartial("bytes=2-5", 10, 2, 4);
  ExpectPartial("bytes=2-", 10, 2, 8);
  ExpectPartial("bytes=5-100", 10, 5, 5);
  ExpectPartial("bytes=-3", 10, 7, 3);
  ExpectPartial("bytes=-30", 10, 0, 10);
}

TEST(ByteRangeTest, UnsatisfiableRanges) {
  EXPECT_EQ(ResolveRange("bytes=10-", 10).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ResolveRange("bytes=-0", 10).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ResolveRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
}

TEST(ByteRangeTest, IgnoredHeadersServeTheWholeObject) {
  for (const char* h :
       {"items=0-1", "bytes=1-2,4-5", "bytes=5-2", "bytes=a-b", "bytes=", "bytes=-"}) {
    RangeResult r = ResolveRange(h, 10);
    EXPECT_EQ(r.kind, Kind::kWhole) << h;
    EXPECT_EQ(r.range.length, 10) << h;
  }
  EXPECT_EQ(ResolveRange(std::nullopt, 10).kind, Kind::kWhole);
}

}  // namespace
}  // namespace mlops::http
