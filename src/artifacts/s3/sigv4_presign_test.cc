#include "artifacts/s3/sigv4_presign.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mlops::s3 {
namespace {

using ::testing::EndsWith;
using ::testing::StartsWith;

std::chrono::system_clock::time_point May24Of2013() {
  return std::chrono::system_clock::from_time_t(1369353600);  // 2013-05-24T00:00:00Z
}

// The example of "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)" in
// the Amazon S3 API reference.
TEST(PresignGetUrlTest, MatchesTheAwsDocumentationExample) {
  const Endpoint endpoint{"https://examplebucket.s3.amazonaws.com",
                          "examplebucket.s3.amazonaws.com"};
  const Credentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                "us-east-1"};
  const std::string url =
      PresignGetUrl(endpoint, "/test.txt", credentials, May24Of2013(), std::chrono::seconds(86400));
  EXPECT_EQ(url,
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(PresignGetUrlTest, PathStyleUrlSignsTheHostWithItsPort) {
  const Endpoint endpoint{"http://127.0.0.1:9000", "127.0.0.1:9000"};
  const Credentials credentials{"minio", "minio-secret", "eu-west-1"};
  const std::string a = PresignGetUrl(endpoint, "/models/m/1/model.onnx", credentials,
                                      May24Of2013(), std::chrono::seconds(60));
  EXPECT_THAT(a, StartsWith("http://127.0.0.1:9000/models/m/1/model.onnx?X-Amz-Algorithm="));
  EXPECT_THAT(a, ::testing::HasSubstr("%2Feu-west-1%2Fs3%2F"));
  const Endpoint other_port{"http://127.0.0.1:9001", "127.0.0.1:9001"};
  const std::string b = PresignGetUrl(other_port, "/models/m/1/model.onnx", credentials,
                                      May24Of2013(), std::chrono::seconds(60));
  EXPECT_NE(a.substr(a.rfind('=')), b.substr(b.rfind('=')));
  EXPECT_THAT(a, ::testing::Not(EndsWith("=")));
}

}  // namespace
}  // namespace mlops::s3
