#include "artifacts/s3/s3_url.h"

#include <gtest/gtest.h>

namespace mlops::s3 {
namespace {

TEST(UriEncodeTest, KeepsUnreservedAndEncodesEverythingElseInUppercaseHex) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c=d&e/f", false), "a%20b%2Bc%3Dd%26e%2Ff");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xC3\xA9", false), "%C3%A9");
}

TEST(ObjectPathTest, IsPathStyleWithEachSegmentEncoded) {
  EXPECT_EQ(ObjectPath("models", "m/1/model v2.onnx"), "/models/m/1/model%20v2.onnx");
  EXPECT_EQ(BucketPath("models"), "/models");
}

// curl 7.88 signs the query as written, so what we write must already be canonical: sorted,
// encoded, and "name=" for flags such as ?uploads.
TEST(CanonicalQueryTest, SortsEncodesAndGivesFlagsAnEqualsSign) {
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQuery({{"uploadId", "a/b+c"}, {"partNumber", "2"}}),
            "partNumber=2&uploadId=a%2Fb%2Bc");
  EXPECT_EQ(CanonicalQuery({{"X-Amz-Date", "1"}, {"X-Amz-Algorithm", "2"}}),
            "X-Amz-Algorithm=2&X-Amz-Date=1");
  EXPECT_EQ(CanonicalQuery({}), "");
}

TEST(ParseEndpointTest, TakesTheSchemeFromSecureUnlessGiven) {
  auto plain = ParseEndpoint("minio:9000", false);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->base_url, "http://minio:9000");
  EXPECT_EQ(plain->host, "minio:9000");
  EXPECT_EQ(ParseEndpoint("minio:9000", true)->base_url, "https://minio:9000");
  EXPECT_EQ(ParseEndpoint("http://minio:9000/", true)->base_url, "http://minio:9000");
  EXPECT_EQ(ParseEndpoint("https://s3.example.com", false)->host, "s3.example.com");
}

TEST(ParseEndpointTest, RejectsOtherSchemesPathsAndEmptyHosts) {
  EXPECT_EQ(ParseEndpoint("ftp://minio", false).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEndpoint("minio:9000/bucket", false).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEndpoint("http://", false).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mlops::s3
