#include <string>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

class ArtifactsTest : public ServerTest {
 protected:
  // Uploads `bytes` as a new version and remembers its download path and ETag.
  void Upload(const std::string& bytes) {
    const json v = UploadVersion(*admin_, CreateModel(*admin_, "downloadable"), "1", bytes);
    path_ = Api("/models/versions/" + v.value("id", "") + "/artifact");
    etag_ = "\"" + v.value("artifact_sha256", "") + "\"";
  }

  std::string path_;
  std::string etag_;
};

TEST_F(ArtifactsTest, DownloadReturnsExactBytesWithEtag) {
  const std::string bytes = PseudoRandomBytes(10000, 5);
  Upload(bytes);
  HttpResult r = admin_->Get(path_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, bytes);
  EXPECT_EQ(r.header("etag"), "\"" + Sha256Hex(bytes) + "\"");
  EXPECT_EQ(r.header("etag"), etag_);
  EXPECT_EQ(r.header("content-length"), "10000");
  EXPECT_EQ(r.header("accept-ranges"), "bytes");
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
}

TEST_F(ArtifactsTest, RangesAreServed) {
  const std::string bytes = PseudoRandomBytes(1000, 6);
  Upload(bytes);

  HttpResult r = admin_->Get(path_, {"Range: bytes=0-9"});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.body, bytes.substr(0, 10));
  EXPECT_EQ(r.header("content-range"), "bytes 0-9/1000");
  EXPECT_EQ(r.header("content-length"), "10");

  r = admin_->Get(path_, {"Range: bytes=990-"});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.body, bytes.substr(990));
  EXPECT_EQ(r.header("content-range"), "bytes 990-999/1000");

  r = admin_->Get(path_, {"Range: bytes=-100"});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.body, bytes.substr(900));
  EXPECT_EQ(r.header("content-range"), "bytes 900-999/1000");

  // An end past the artifact is clipped to it.
  r = admin_->Get(path_, {"Range: bytes=500-5000"});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.body, bytes.substr(500));
  EXPECT_EQ(r.header("content-range"), "bytes 500-999/1000");
}

TEST_F(ArtifactsTest, UnsatisfiableRangeIs416) {
  Upload(PseudoRandomBytes(1000, 7));
  for (const std::string range : {"bytes=1000-", "bytes=5000-6000"}) {
    HttpResult r = admin_->Get(path_, {"Range: " + range});
    EXPECT_EQ(r.status, 416) << range << ": " << r.body;
    EXPECT_EQ(r.header("content-range"), "bytes */1000") << range;
  }
}

TEST_F(ArtifactsTest, MatchingIfNoneMatchIs304) {
  Upload("cache me");
  HttpResult r = admin_->Get(path_, {"If-None-Match: " + etag_});
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("etag"), etag_);
  r = admin_->Get(path_, {"If-None-Match: \"0000\", " + etag_});
  EXPECT_EQ(r.status, 304);
  r = admin_->Get(path_, {"If-None-Match: \"something-else\""});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "cache me");
}

TEST_F(ArtifactsTest, MultiMegabyteArtifactRoundTrips) {
  const std::string bytes = PseudoRandomBytes(20 * 1024 * 1024 + 3, 8);
  Upload(bytes);
  HttpResult r = admin_->Get(path_);
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body.size(), bytes.size());
  EXPECT_TRUE(r.body == bytes);
  EXPECT_EQ(r.header("etag"), "\"" + Sha256Hex(bytes) + "\"");
}

TEST_F(ArtifactsTest, UnknownVersionIs404AndBadIdIs422) {
  EXPECT_EQ(
      admin_->Get(Api("/models/versions/1b4e28ba-2fa1-4d2e-883f-0016d3cca427/artifact")).status,
      404);
  EXPECT_EQ(admin_->Get(Api("/models/versions/xyz/artifact")).status, 422);
}

}  // namespace
}  // namespace mlops::e2e
