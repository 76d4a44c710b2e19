#include <fcntl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <regex>
#include <thread>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

// The value of the sample `series` (metric name with its labels) in Prometheus text, or -1.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class SystemTest : public ServerTest {
 protected:
  // Polls /metrics until `series` reaches at least `value` (the server records a request just
  // after answering it); returns the last value seen.
  double AwaitSample(const std::string& series, double value) {
    HttpClient anonymous(server_->base_url(), "");
    double seen = -1;
    for (int i = 0; i < 100; ++i) {
      seen = Sample(anonymous.Get("/metrics").body, series);
      if (seen >= value) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return seen;
  }
};

TEST_F(SystemTest, LivenessAndReadinessAreOpen) {
  HttpClient anonymous(server_->base_url(), "");
  HttpResult live = anonymous.Get("/health/live");
  EXPECT_EQ(live.status, 200) << live.body;
  EXPECT_TRUE(live.json().is_object()) << live.body;

  HttpResult ready = anonymous.Get("/health/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  const json checks = ready.json()["checks"];
  ASSERT_TRUE(checks.is_object()) << ready.body;
  EXPECT_FALSE(checks.empty());
  for (const auto& [name, state] : checks.items()) EXPECT_EQ(state, "ok") << name;
}

TEST_F(SystemTest, MetricsCountRequestsByRoutePatternAndStatus) {
  HttpClient anonymous(server_->base_url(), "");
  HttpResult first = anonymous.Get("/metrics");
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(first.body.find("# TYPE mlops_http_requests_total counter"), std::string::npos)
      << first.body;

  const std::string series =
      "mlops_http_requests_total{method=\"GET\",route=\"/api/v1/mlops/models/{model_id}\","
      "status=\"404\"}";
  const double before = std::max(0.0, Sample(first.body, series));
  const std::string id = "00000000-0000-4000-8000-000000000000";
  ASSERT_EQ(admin_->Get(Api("/models/" + id)).status, 404);
  ASSERT_EQ(admin_->Get(Api("/models/" + id)).status, 404);
  EXPECT_EQ(AwaitSample(series, before + 2), before + 2);
  // Labelled by pattern: the concrete id is not a label value.
  const std::string text = anonymous.Get("/metrics").body;
  EXPECT_EQ(text.find(id), std::string::npos);

  ASSERT_EQ(anonymous.Get(Api("/models")).status, 401);
  EXPECT_GE(AwaitSample("mlops_http_requests_total{method=\"GET\",route=\"/api/v1/mlops/models\","
                        "status=\"401\"}",
                        1),
            1);
}

TEST_F(SystemTest, MetricsHaveLatencyHistogram) {
  ASSERT_EQ(admin_->Get(Api("/models")).status, 200);
  const std::string labels = "method=\"GET\",route=\"/api/v1/mlops/models\",status=\"200\"";
  const double count = AwaitSample("mlops_http_request_duration_seconds_count{" + labels + "}", 1);
  EXPECT_GE(count, 1);
  const std::string text = HttpClient(server_->base_url(), "").Get("/metrics").body;
  EXPECT_NE(text.find("# TYPE mlops_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_EQ(Sample(text, "mlops_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"}"),
            Sample(text, "mlops_http_request_duration_seconds_count{" + labels + "}"));
  EXPECT_GE(Sample(text, "mlops_http_request_duration_seconds_sum{" + labels + "}"), 0);
  // Buckets are cumulative: never decreasing with `le`.
  const std::regex bucket("mlops_http_request_duration_seconds_bucket\\{" +
                          std::regex_replace(labels, std::regex("[{}\"]"), "\\$&") +
                          ",le=\"([0-9.e+-]+)\"\\} ([0-9]+)");
  double last = 0;
  int buckets = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), bucket);
       it != std::sregex_iterator(); ++it) {
    const double v = std::stod((*it)[2]);
    EXPECT_GE(v, last) << it->str();
    last = v;
    ++buckets;
  }
  EXPECT_GE(buckets, 3) << text;
}

TEST_F(SystemTest, OpenApiDescribesTheApi) {
  HttpClient anonymous(server_->base_url(), "");
  HttpResult r = anonymous.Get("/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
  const json doc = r.json();
  ASSERT_TRUE(doc.is_object()) << r.body.substr(0, 200);
  EXPECT_TRUE(doc.value("openapi", "").starts_with("3.")) << doc.value("openapi", "");
  ASSERT_TRUE(doc.contains("paths"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/mlops/models"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/mlops/feedback"));
}

TEST_F(SystemTest, DocsIsHtml) {
  HttpResult r = HttpClient(server_->base_url(), "").Get("/docs");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(r.body.find("<html"), std::string::npos);
}

// Readiness checks the free space of the data directory against MLOPS_MIN_FREE_DISK_BYTES, so a
// full disk takes a replica out of rotation before its writes start failing.
TEST_F(SystemTest, ReadinessReportsLowDiskSpaceNamingTheDirectory) {
  HttpClient anonymous(server_->base_url(), "");
  ASSERT_EQ(anonymous.Get("/health/ready").json()["checks"]["disk"], "ok");

  options_.env["MLOPS_MIN_FREE_DISK_BYTES"] = std::to_string(1ull << 60);  // more than any disk
  Restart();
  HttpResult ready = HttpClient(server_->base_url(), "").Get("/health/ready");
  EXPECT_EQ(ready.status, 503) << ready.body;
  const json body = ready.json();
  const std::string detail = body.value("detail", "");
  EXPECT_NE(detail.find("low disk space at " + dir_.path()), std::string::npos) << ready.body;
  EXPECT_NE(detail.find("MLOPS_MIN_FREE_DISK_BYTES"), std::string::npos) << ready.body;
  EXPECT_EQ(body["checks"]["disk"], detail) << ready.body;
  EXPECT_EQ(body["checks"]["metadata_store"], "ok") << ready.body;
  EXPECT_EQ(HttpClient(server_->base_url(), "").Get("/health/live").status, 200);
}

// A small tmpfs as the data directory. Filled up while the service is down, a start-up fails
// naming the full disk (SQLite's own words are "disk I/O error"); filled up while it runs,
// readiness says so.
class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RunningOnPostgresS3()) GTEST_SKIP() << "the metadata store is not on the data directory";
    if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    mount_point_ = dir_.path() + "/small";
    std::filesystem::create_directory(mount_point_);
    if (mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=8m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
    }
    mounted_ = true;
    options_.data_dir = mount_point_;
    options_.env["MLOPS_MIN_FREE_DISK_BYTES"] = std::to_string(2 << 20);
  }
  void TearDown() override {
    server_.reset();
    if (mounted_) umount2(mount_point_.c_str(), MNT_DETACH);
  }

  // Writes a file until the filesystem is full.
  void FillDisk() {
    const int fd = open(Filler().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    const std::string chunk(64 << 10, 'f');
    while (write(fd, chunk.data(), chunk.size()) > 0) {
    }
    while (write(fd, "f", 1) > 0) {  // the last partial block
    }
    close(fd);
  }
  std::string Filler() const { return mount_point_ + "/filler"; }

  TempDir dir_;
  std::string mount_point_;
  bool mounted_ = false;
  ServerProcess::Options options_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(FullDiskTest, StartUpOnAFullDiskNamesTheCause) {
  server_ = ServerProcess::Start(options_);  // creates the database, then stops cleanly
  ASSERT_NE(server_, nullptr);
  // Stopped right after it announced its port. Had the signal killed it, its WAL and shared-memory
  // files would stay behind, and the next start would reuse the latter's pages instead of
  // writing to the full disk.
  const int stopped = server_->StopWith(SIGTERM);
  ASSERT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << "wait status " << stopped;
  server_.reset();
  FillDisk();

  const CommandResult run = RunCommand("cd " + mount_point_ + " && MLOPS_DATA_DIR=" + mount_point_ +
                                       " MLOPS_ADMIN_API_KEY=" + kAdminKey + " timeout 10 " +
                                       MLOPS_BINARY + " serve --port 0");
  ASSERT_TRUE(WIFEXITED(run.status)) << run.output;
  EXPECT_EQ(WEXITSTATUS(run.status), 1) << run.output;
  EXPECT_NE(run.output.find("no space left on device at " + mount_point_), std::string::npos)
      << run.output;

  // With room again, it starts.
  std::filesystem::remove(Filler());
  server_ = ServerProcess::Start(options_);
  ASSERT_NE(server_, nullptr);
  EXPECT_EQ(HttpClient(server_->base_url(), "").Get("/health/ready").status, 200);
}

TEST_F(FullDiskTest, ReadinessFailsWhenTheDiskFillsUp) {
  server_ = ServerProcess::Start(options_);
  ASSERT_NE(server_, nullptr);
  HttpClient anonymous(server_->base_url(), "");
  HttpResult ready = anonymous.Get("/health/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;

  FillDisk();
  ready = anonymous.Get("/health/ready");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_NE(ready.json().value("detail", "").find("low disk space at " + mount_point_),
            std::string::npos)
      << ready.body;

  std::filesystem::remove(Filler());
  EXPECT_EQ(anonymous.Get("/health/ready").status, 200);
}

// The artifact store's 503 when the disk is full reaches a client that sends its whole upload
// before reading (the server drains the rest of the body instead of resetting the connection).
TEST_F(FullDiskTest, UploadOnAFullDiskIs503ToAClientThatSendsTheWholeBodyFirst) {
  options_.env["MLOPS_HTTP_DRAIN_BYTES"] = std::to_string(64 << 20);
  options_.env["MLOPS_HTTP_DRAIN_TIMEOUT_SECONDS"] = "10";
  server_ = ServerProcess::Start(options_);
  ASSERT_NE(server_, nullptr);
  const HttpClient admin(server_->base_url(), kAdminKey);
  const std::string model_id = CreateModel(admin, "full");
  FillDisk();

  const std::string body = MultipartBody({{"version_details", VersionDetails("1").dump()},
                                          {"file", PseudoRandomBytes(24 << 20, 11), "model.onnx"}});
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("POST " + std::string(kApi) + "/models/" + model_id +
                     "/versions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + kAdminKey + "\r\n" +
                     kMultipartType + "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\n\r\n" + body))
      << "the server reset the connection while the body was sent";
  std::optional<RawResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value()) << c.received().substr(0, 200);
  EXPECT_EQ(r->status, 503) << r->head << r->body;
  EXPECT_NE(r->body.find("full"), std::string::npos) << r->body;
}

}  // namespace
}  // namespace mlops::e2e
