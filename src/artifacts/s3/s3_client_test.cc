#include "artifacts/s3/s3_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mlops::s3 {
namespace {

using ::testing::HasSubstr;

Response Answer(long status, std::string body = "") {
  return {.status = status, .body = std::move(body)};
}

TEST(ErrorStatusTest, MapsS3AnswersToOurCodes) {
  const Status missing = ErrorStatus(
      Answer(404, "<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>"), "GET b/k");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "GET b/k: HTTP 404 NoSuchKey (gone)");
  const Status denied =
      ErrorStatus(Answer(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>"), "PUT b/k");
  EXPECT_EQ(denied.code(), StatusCode::kUnavailable);
  EXPECT_THAT(denied.message(), HasSubstr("credentials rejected"));
  EXPECT_EQ(ErrorStatus(Answer(503), "GET b/k").code(), StatusCode::kUnavailable);
  EXPECT_EQ(ErrorStatus(Answer(429), "GET b/k").code(), StatusCode::kUnavailable);
  EXPECT_EQ(ErrorStatus(Answer(400), "GET b/k").code(), StatusCode::kInternal);
}

// CompleteMultipartUpload can fail after answering 200.
TEST(SucceededTest, RejectsErrorDocumentsBehindA200) {
  EXPECT_TRUE(Succeeded(Answer(200, "<CompleteMultipartUploadResult/>")));
  EXPECT_TRUE(Succeeded(Answer(204)));
  EXPECT_FALSE(Succeeded(Answer(200, "<Error><Code>InternalError</Code></Error>")));
  EXPECT_FALSE(Succeeded(Answer(404)));
}

TEST(ClientTest, UnreachableServerIsUnavailable) {
  Client client({.endpoint = {"http://127.0.0.1:1", "127.0.0.1:1"},
                 .credentials = {"key", "secret", "us-east-1"}});
  EXPECT_EQ(client.Send({.method = "HEAD", .path = "/bucket"}).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace mlops::s3
