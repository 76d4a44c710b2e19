#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Bytes in the server's temporary artifact files.
std::uintmax_t TemporaryBytes(const std::string& tmp_dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tmp_dir, ec)) {
    std::error_code size_ec;
    const auto size = entry.file_size(size_ec);
    if (!size_ec) total += size;
  }
  return total;
}

// A multipart upload body of a large file, produced on the fly. Once `pause_after` bytes of the
// file are out, it holds the connection open (sending nothing) until Release(), then aborts.
class StalledUploadBody {
 public:
  StalledUploadBody(const std::string& version, std::int64_t file_size, std::int64_t pause_after)
      : file_size_(file_size), pause_after_(pause_after), pattern_(PseudoRandomBytes(1 << 16, 4)) {
    const std::string body = MultipartBody(
        {{"version_details", VersionDetails(version).dump()}, {"file", "", "big.bin"}});
    // Split the body around the (empty) file content.
    const std::string file_header = "Content-Type: application/octet-stream\r\n\r\n";
    const auto cut = body.find(file_header) + file_header.size();
    head_ = body.substr(0, cut);
    tail_ = body.substr(cut);
  }

  std::int64_t size() const {
    return static_cast<std::int64_t>(head_.size() + tail_.size()) + file_size_;
  }

  std::size_t Read(char* buffer, std::size_t max) {
    if (sent_ < static_cast<std::int64_t>(head_.size())) {
      const std::size_t n = std::min(max, head_.size() - static_cast<std::size_t>(sent_));
      std::memcpy(buffer, head_.data() + sent_, n);
      sent_ += static_cast<std::int64_t>(n);
      return n;
    }
    const std::int64_t file_sent = sent_ - static_cast<std::int64_t>(head_.size());
    if (file_sent >= pause_after_) {
      std::unique_lock lock(mu_);
      paused_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
      return CURL_READFUNC_ABORT;
    }
    const std::size_t offset = static_cast<std::size_t>(file_sent) % pattern_.size();
    const std::size_t n = std::min<std::size_t>(
        {max, pattern_.size() - offset, static_cast<std::size_t>(pause_after_ - file_sent)});
    std::memcpy(buffer, pattern_.data() + offset, n);
    sent_ += static_cast<std::int64_t>(n);
    return n;
  }

  // Waits until the first `pause_after` bytes of the file are out; false on timeout.
  bool WaitPaused(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return paused_; });
  }

  void Release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  const std::int64_t file_size_;
  const std::int64_t pause_after_;
  const std::string pattern_;
  std::string head_;
  std::string tail_;
  std::int64_t sent_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool paused_ = false;
  bool released_ = false;
};

class DurabilityTest : public ModelServerTest {
 protected:
  // These tests are about storing versions: the validation runs an upload would queue would move
  // their status and add reports. Small S3 parts, so that some are uploaded (and then abandoned)
  // before a kill.
  void SetUp() override {
    options_.env["ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER"] = "false";
    options_.env["MLOPS_S3_PART_SIZE_BYTES"] = std::to_string(5 << 20);
    ModelServerTest::SetUp();
  }
  std::string tmp_dir() const { return dir_.path() + "/artifacts/.tmp"; }

  // The version's artifact downloads with exactly `bytes`, and its metadata agrees.
  void ExpectArtifact(const json& version, const std::string& bytes) const {
    const std::string id = version.value("id", "");
    HttpResult got = admin_->Get(Api("/models/versions/" + id));
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json(), version);
    HttpResult download = admin_->Get(Api("/models/versions/" + id + "/artifact"));
    ASSERT_EQ(download.status, 200) << download.body;
    EXPECT_TRUE(download.body == bytes) << "artifact of " << id << " changed";
    EXPECT_EQ(Sha256Hex(download.body), version.value("artifact_sha256", ""));
  }
};

TEST_F(DurabilityTest, RestartKeepsModelsVersionsAndArtifacts) {
  const std::string other_id = CreateModel(*admin_, "second", "image_to_image");
  const json models = admin_->Get(Api("/models")).json();
  const std::string first_bytes = PseudoRandomBytes(1 << 20, 11);
  const std::string second_bytes = PseudoRandomBytes(4321, 12);
  const json first = UploadVersion(*admin_, model_id_, "1.0", first_bytes);
  const json second = UploadVersion(*admin_, other_id, "0.1", second_bytes);
  ASSERT_EQ(admin_
                ->PatchJson(Api("/models/versions/" + second.value("id", "") + "/status"),
                            {{"new_status", "ARCHIVED"}})
                .status,
            200);
  const json archived = admin_->Get(Api("/models/versions/" + second.value("id", ""))).json();

  Restart();

  EXPECT_EQ(admin_->Get(Api("/models")).json(), models);
  EXPECT_EQ(admin_->Get(VersionsPath()).json(), json::array({first}));
  ExpectArtifact(first, first_bytes);
  ExpectArtifact(archived, second_bytes);
  // Still a registry that accepts work, and still knows its names.
  EXPECT_EQ(admin_->PostJson(Api("/models"), {{"name", kModelName}, {"task_type", "x"}}).status,
            409);
  UploadVersion(*admin_, model_id_, "1.1");
}

TEST_F(DurabilityTest, KillDuringUploadLeavesNoTrace) {
  const std::string kept_bytes = PseudoRandomBytes(1 << 20, 13);
  const json kept = UploadVersion(*admin_, model_id_, "kept", kept_bytes);
  const std::vector<std::string> stored_before = stores_->StoredArtifacts();
  ASSERT_EQ(stored_before.size(), 1u);

  constexpr std::int64_t kFileSize = std::int64_t{200} << 20;
  constexpr std::int64_t kPauseAfter = std::int64_t{16} << 20;
  StalledUploadBody body("doomed", kFileSize, kPauseAfter);
  HttpResult upload;
  std::thread uploader([&] {
    HttpClient client(server_->base_url(), kAdminKey);
    upload = client.PostStreaming(
        VersionsPath(), body.size(),
        [&body](char* buffer, std::size_t max) { return body.Read(buffer, max); },
        {kMultipartType});
  });

  // 16 MiB sent: the server holds most of them in a temporary (a file, or uploaded S3 parts).
  const bool paused = body.WaitPaused(std::chrono::seconds(20));
  // Bounded polling: on the filesystem, wait until several MiB are in the temporary file.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (!RunningOnPostgresS3() && TemporaryBytes(tmp_dir()) < (std::uintmax_t{4} << 20) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::vector<std::string> temporaries = stores_->Temporaries();
  const int wait_status = server_->StopWith(SIGKILL);
  body.Release();
  uploader.join();
  ASSERT_TRUE(paused) << "the server never took 16 MiB of the upload";
  EXPECT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) << wait_status;
  EXPECT_EQ(upload.status, 0) << "the upload was answered: " << upload.body;
  // On the filesystem the crash left the partial file behind; the next start must sweep it.
  if (!RunningOnPostgresS3()) EXPECT_EQ(temporaries.size(), 1u);

  Restart();

  EXPECT_EQ(stores_->Temporaries(), std::vector<std::string>{});
  EXPECT_EQ(stores_->StoredArtifacts(), stored_before);
  HttpResult list = admin_->Get(VersionsPath());
  EXPECT_EQ(list.header("x-total-count"), "1");
  EXPECT_EQ(list.json(), json::array({kept}));
  ExpectArtifact(kept, kept_bytes);
  // The version string of the lost upload is free again.
  UploadVersion(*admin_, model_id_, "doomed");
}

// What a crash between an upload's publish and its commit leaves: an object that no version
// refers to. A start sweeps it once it is old enough (here at once), and nothing else.
TEST_F(DurabilityTest, RestartRemovesArtifactsNoVersionRefersTo) {
  const std::string kept_bytes = PseudoRandomBytes(4096, 14);
  const json kept = UploadVersion(*admin_, model_id_, "kept", kept_bytes);
  const std::string bucket = stores_->model_bucket();
  stores_->PlantArtifact(bucket + "/models/" + model_id_ + "/lost/model.onnx", "never committed");
  stores_->PlantArtifact(bucket + "/not-the-service-layout.bin", "someone else's");
  ASSERT_EQ(stores_->StoredArtifacts().size(), 3u);

  options_.env["MLOPS_ORPHAN_ARTIFACT_MIN_AGE_SECONDS"] = "0";
  Restart();

  // The sweep runs in the background once the server is up.
  const std::vector<std::string> expected = {kept.value("artifact_path", ""),
                                             bucket + "/not-the-service-layout.bin"};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (stores_->StoredArtifacts() != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(stores_->StoredArtifacts(), expected);
  ExpectArtifact(kept, kept_bytes);
}

}  // namespace
}  // namespace mlops::e2e
