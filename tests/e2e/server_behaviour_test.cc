#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "harness.h"

namespace mlops::e2e {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The head of a request to `path` (no body), with the admin key unless `key` is false.
std::string Head(const std::string& method, const std::string& path, bool key = true,
                 const std::string& extra = "") {
  std::string head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (key) head += std::string("X-API-Key: ") + kAdminKey + "\r\n";
  return head + extra + "\r\n";
}

// The head of a multipart POST to `path` (a model's versions) announcing `length` bytes of body.
std::string UploadHead(const std::string& path, std::size_t length) {
  return Head(
      "POST", path, true,
      std::string(kMultipartType) + "\r\nContent-Length: " + std::to_string(length) + "\r\n");
}

// The head of a JSON POST /models with `length` bytes of body announced and 100-continue asked.
std::string ExpectContinueHead(std::size_t length, bool key = true) {
  return Head("POST", std::string(kApi) + "/models", key,
              "Content-Type: application/json\r\nContent-Length: " + std::to_string(length) +
                  "\r\nExpect: 100-continue\r\n");
}

class ServerBehaviourTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.env["MLOPS_REQUEST_TIMEOUT_SECONDS"] = "1";
    ServerTest::SetUp();
  }
};

TEST_F(ServerBehaviourTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Head("GET", "/health/live")));
  std::optional<RawResponse> first = c.ReadResponse();
  ASSERT_TRUE(first.has_value()) << c.received();
  EXPECT_EQ(first->status, 200);
  ASSERT_TRUE(c.Send(Head("GET", std::string(kApi) + "/models")));
  std::optional<RawResponse> second = c.ReadResponse();
  ASSERT_TRUE(second.has_value()) << "the connection was not kept open: " << c.received();
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(json::parse(second->body, nullptr, false), json::array());
  EXPECT_NE(first->header("x-request-id"), second->header("x-request-id"));
}

TEST_F(ServerBehaviourTest, ExpectContinueGets100BeforeTheFinalResponse) {
  const std::string body = json({{"name", "continued"}, {"task_type", "t"}}).dump();
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(ExpectContinueHead(body.size())));
  std::optional<RawResponse> interim = c.ReadResponse();
  ASSERT_TRUE(interim.has_value()) << c.received();
  EXPECT_EQ(interim->status, 100) << interim->head;
  EXPECT_TRUE(interim->head.starts_with("HTTP/1.1 100 Continue\r\n")) << interim->head;
  ASSERT_TRUE(c.Send(body));
  std::optional<RawResponse> final_response = c.ReadResponse();
  ASSERT_TRUE(final_response.has_value()) << c.received();
  EXPECT_EQ(final_response->status, 201) << final_response->body;
  EXPECT_EQ(json::parse(final_response->body, nullptr, false).value("name", ""), "continued");
}

TEST_F(ServerBehaviourTest, ExpectContinueWithoutKeyGets401Instead) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(ExpectContinueHead(40, /*key=*/false)));
  std::optional<RawResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value()) << c.received();
  EXPECT_EQ(r->status, 401) << r->head;
  EXPECT_EQ(c.received().find("100 Continue"), std::string::npos);
}

TEST_F(ServerBehaviourTest, ExpectContinueOverTheLimitGets413Instead) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(ExpectContinueHead(2 * 1024 * 1024)));
  std::optional<RawResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value()) << c.received();
  EXPECT_EQ(r->status, 413) << r->head;
  EXPECT_TRUE(json::parse(r->body, nullptr, false)["detail"].is_string()) << r->body;
}

TEST_F(ServerBehaviourTest, ExpectContinueOnAnUploadIsAnsweredBeforeTheBody) {
  const std::string model_id = CreateModel(*admin_, "upload-target");
  const std::string multipart =
      "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000\r\n"
      "Expect: 100-continue\r\n";
  struct Case {
    std::string model_id;
    bool key;
    int status;
  };
  const std::vector<Case> cases = {{model_id, true, 100},
                                   {model_id, false, 401},
                                   {"00000000-0000-4000-8000-000000000000", true, 404}};
  for (const Case& c : cases) {
    RawConnection conn(server_->port());
    ASSERT_TRUE(conn.connected());
    ASSERT_TRUE(conn.Send(
        Head("POST", std::string(kApi) + "/models/" + c.model_id + "/versions", c.key, multipart)));
    std::optional<RawResponse> r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value()) << conn.received();
    EXPECT_EQ(r->status, c.status) << c.model_id << " key=" << c.key << ": " << r->head;
  }
}

TEST_F(ServerBehaviourTest, StalledHeaderIsDisconnectedWhileOthersAreServed) {
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.connected());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.Send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: "));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(admin_->Get(Api("/models")).status, 200);
  EXPECT_FALSE(slow.WaitClosed(500ms)) << "closed well before MLOPS_REQUEST_TIMEOUT_SECONDS";
  EXPECT_TRUE(slow.WaitClosed(4s)) << "a stalled client was not disconnected";
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 900ms);
  EXPECT_EQ(slow.received().find("200"), std::string::npos) << slow.received();
  EXPECT_EQ(admin_->Get(Api("/models")).status, 200);
}

TEST_F(ServerBehaviourTest, StalledBodyIsDisconnected) {
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.Send(Head("POST", std::string(kApi) + "/models", true,
                             "Content-Type: application/json\r\nContent-Length: 100\r\n") +
                        "{\"name\":"));
  EXPECT_TRUE(slow.WaitClosed(4s)) << "a stalled body was not given up on: " << slow.received();
  EXPECT_EQ(admin_->Get(Api("/models")).json(), json::array());
}

// Bytes trickling in, each within the idle timeout, used to keep a request alive for ever.
TEST_F(ServerBehaviourTest, HeaderTricklingInIsCutOffAtTheHeaderDeadline) {
  options_.env["MLOPS_REQUEST_TIMEOUT_SECONDS"] = "30";
  options_.env["MLOPS_HTTP_HEADER_TIMEOUT_SECONDS"] = "1";
  Restart();
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.connected());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.Send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
  bool closed = false;
  // One byte every 100 ms (waiting for the close paces the bytes) for up to 5 s.
  for (int i = 0; i < 50 && !closed; ++i) {
    closed = !slow.Send("a") || slow.WaitClosed(100ms);
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(closed) << "a trickling header was not cut off";
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 4s);
  EXPECT_EQ(slow.received().find("200"), std::string::npos) << slow.received();
}

class SlowBodyTest : public ModelServerTest {
 protected:
  void SetUp() override {
    options_.env["MLOPS_HTTP_MIN_BODY_BYTES_PER_SECOND"] = "1000";
    options_.env["MLOPS_HTTP_MIN_BODY_RATE_WINDOW_SECONDS"] = "1";
    options_.env["MLOPS_UPLOAD_IDLE_TIMEOUT_SECONDS"] = "5";
    ModelServerTest::SetUp();
  }
};

TEST_F(SlowBodyTest, UploadTricklingBelowTheMinimumRateIsCutOffWith408) {
  const std::string body = MultipartBody({{"version_details", VersionDetails("slow").dump()},
                                          {"file", std::string(4000, 'm'), "model.onnx"}});
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.connected());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.Send(UploadHead(VersionsPath(), body.size())));
  // About 10 bytes/s: each byte within the idle timeout, far below the minimum rate.
  bool answered = false;
  for (std::size_t i = 0; i < body.size() && i < 80 && !answered; ++i) {
    if (!slow.Send(body.substr(i, 1))) break;
    answered = slow.ReadUntil("\r\n\r\n", 100ms);
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(answered || slow.ReadUntil("\r\n\r\n", 1s)) << "a trickling body was not cut off";
  std::optional<RawResponse> r = slow.ReadResponse();
  ASSERT_TRUE(r.has_value()) << slow.received();
  EXPECT_EQ(r->status, 408) << r->head << r->body;
  EXPECT_NE(json::parse(r->body, nullptr, false).value("detail", "").find("1000 bytes/s"),
            std::string::npos)
      << r->body;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 4s);
  EXPECT_EQ(admin_->Get(VersionsPath()).json(), json::array());
}

TEST_F(SlowBodyTest, UploadAboveTheMinimumRateIsServed) {
  // 40 KiB in pieces a few milliseconds apart: well above 1000 bytes/s over every window.
  const std::string body = MultipartBody({{"version_details", VersionDetails("fast").dump()},
                                          {"file", PseudoRandomBytes(40 << 10, 5), "model.onnx"}});
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(UploadHead(VersionsPath(), body.size())));
  for (std::size_t at = 0; at < body.size(); at += 4096) {
    ASSERT_TRUE(c.Send(body.substr(at, 4096)));
    if (at + 4096 >= body.size()) break;
    ASSERT_FALSE(c.ReadUntil("\r\n\r\n", 100ms)) << "answered early: " << c.received();
  }
  std::optional<RawResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value()) << c.received();
  EXPECT_EQ(r->status, 201) << r->body;
}

TEST_F(ServerBehaviourTest, MalformedRequestLineIs400AndCloses) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("THIS IS NOT HTTP\r\n\r\n"));
  std::optional<RawResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value()) << c.received();
  EXPECT_EQ(r->status, 400) << r->head;
  EXPECT_TRUE(json::parse(r->body, nullptr, false)["detail"].is_string()) << r->body;
  EXPECT_TRUE(c.WaitClosed(2s));
}

TEST_F(ServerBehaviourTest, HeaderOver16KiBIs431) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.Send(Head("GET", "/health/live", true, "X-Big: " + std::string(17 * 1024, 'b') + "\r\n")));
  std::optional<RawResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value()) << c.received();
  EXPECT_EQ(r->status, 431) << r->head;
  EXPECT_TRUE(c.WaitClosed(2s));

  // Just under the limit is fine.
  RawConnection ok(server_->port());
  ASSERT_TRUE(
      ok.Send(Head("GET", "/health/live", true, "X-Big: " + std::string(15 * 1024, 'b') + "\r\n")));
  std::optional<RawResponse> fine = ok.ReadResponse();
  ASSERT_TRUE(fine.has_value()) << ok.received();
  EXPECT_EQ(fine->status, 200);
}

// Default request timeout (30 s), so only the shutdown closes idle connections here.
// A second server on a port that is taken must fail at start-up, not quietly share the port.
TEST_F(ServerBehaviourTest, SecondServerOnTheSamePortFailsToStart) {
  TempDir other;
  const CommandResult run = RunCommand(
      "MLOPS_DATA_DIR=" + other.path() + " MLOPS_ADMIN_API_KEY=" + kAdminKey + " timeout 10 " +
      MLOPS_BINARY + " serve --port " + std::to_string(server_->port()));
  ASSERT_TRUE(WIFEXITED(run.status)) << run.output;
  EXPECT_EQ(WEXITSTATUS(run.status), 1) << run.output;
  EXPECT_NE(run.output.find("cannot listen"), std::string::npos) << run.output;
  EXPECT_EQ(admin_->Get("/health/live").status, 200);
}

// A client that writes its whole request before reading (Python's http.client, many SDKs) must
// see the answer to a request refused while its body was still arriving, not a reset: the server
// answers, stops writing and reads the rest of the body (up to MLOPS_HTTP_DRAIN_BYTES) before
// closing.
class RefusedBodyTest : public ModelServerTest {
 protected:
  // Bodies larger than what the kernel buffers on both ends hold (a few MiB on loopback), so the
  // client is still writing when the server answers; the drain limit is raised to cover them.
  static constexpr std::size_t kBodyBytes = 24 << 20;
  void SetUp() override {
    options_.env["MLOPS_HTTP_DRAIN_BYTES"] = std::to_string(64 << 20);
    options_.env["MLOPS_HTTP_DRAIN_TIMEOUT_SECONDS"] = "10";
    ModelServerTest::SetUp();
  }
  // Writes `head` and `body` completely, then reads the answer.
  RawResponse SendWholeThenRead(const std::string& head, const std::string& body) {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.connected());
    EXPECT_TRUE(c.Send(head + body)) << "the server reset the connection while the body was sent";
    std::optional<RawResponse> r = c.ReadResponse();
    EXPECT_TRUE(r.has_value()) << "no answer, only: " << c.received().substr(0, 200);
    if (!r) return {};
    EXPECT_EQ(r->header("connection"), "close") << r->head;
    EXPECT_TRUE(json::parse(r->body, nullptr, false)["detail"].is_string()) << r->body;
    EXPECT_TRUE(c.WaitClosed(5s)) << "the server did not close after draining";
    return *r;
  }
};

TEST_F(RefusedBodyTest, DuplicateVersionUploadSentWholeBeforeReadingGets409) {
  UploadVersion(*admin_, model_id_, "1");
  const std::string body =
      MultipartBody({{"version_details", VersionDetails("1").dump()},
                     {"file", PseudoRandomBytes(kBodyBytes, 7), "model.onnx"}});
  const RawResponse r = SendWholeThenRead(UploadHead(VersionsPath(), body.size()), body);
  EXPECT_EQ(r.status, 409) << r.head << r.body;
  EXPECT_EQ(admin_->Get(VersionsPath()).json().size(), 1u);
}

TEST_F(RefusedBodyTest, OversizedJsonSentWholeBeforeReadingGets413) {
  const std::string body = "{\"name\": \"big\", \"task_type\": \"t\", \"description\": \"" +
                           std::string(kBodyBytes, 'd') + "\"}";
  const RawResponse r = SendWholeThenRead(
      Head("POST", Api("/models"), true,
           "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n"),
      body);
  EXPECT_EQ(r.status, 413) << r.head << r.body;
}

TEST_F(RefusedBodyTest, OversizedArtifactSentWholeBeforeReadingGets413) {
  options_.env["MLOPS_MAX_ARTIFACT_BYTES"] = "1024";
  Restart();
  const std::string body =
      MultipartBody({{"version_details", VersionDetails("big").dump()},
                     {"file", PseudoRandomBytes(kBodyBytes, 3), "model.onnx"}});
  const RawResponse r = SendWholeThenRead(UploadHead(VersionsPath(), body.size()), body);
  EXPECT_EQ(r.status, 413) << r.head << r.body;
  EXPECT_EQ(admin_->Get(VersionsPath()).json(), json::array());
}

// The drain is bounded: a body far beyond MLOPS_HTTP_DRAIN_BYTES is not read to its end.
TEST_F(RefusedBodyTest, DrainStopsAtItsLimit) {
  options_.env["MLOPS_HTTP_DRAIN_BYTES"] = "65536";
  Restart();
  UploadVersion(*admin_, model_id_, "1");
  const std::string part = MultipartBody({{"version_details", VersionDetails("1").dump()}}, false);
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.Send(UploadHead(VersionsPath(), part.size() + (1ull << 30)) + part + "--" + kBoundary +
             "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n\r\n"));
  // The server stops reading after the drain limit: sending 1 GiB cannot complete.
  const std::string chunk(1 << 20, 'x');
  std::size_t sent = 0;
  while (sent < (1u << 30) && c.Send(chunk)) sent += chunk.size();
  EXPECT_LT(sent, 1u << 30) << "the whole body was drained";
}

class GracefulShutdownTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.env["MLOPS_SHUTDOWN_GRACE_SECONDS"] = "5";
    ServerTest::SetUp();
  }
};

TEST_F(GracefulShutdownTest, SigtermFinishesInFlightClosesIdleAndRefusesNew) {
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.Send(Head("GET", "/health/live")));
  ASSERT_TRUE(idle.ReadResponse().has_value());

  // An upload in flight: the server has its head (it sent 100 Continue) and half the body.
  const std::string body = json({{"name", "in-flight"}, {"task_type", "t"}}).dump();
  RawConnection busy(server_->port());
  ASSERT_TRUE(busy.connected());
  ASSERT_TRUE(busy.Send(ExpectContinueHead(body.size())));
  std::optional<RawResponse> interim = busy.ReadResponse();
  ASSERT_TRUE(interim.has_value() && interim->status == 100) << busy.received();
  ASSERT_TRUE(busy.Send(body.substr(0, body.size() / 2)));

  ASSERT_EQ(kill(server_->pid(), SIGTERM), 0);
  EXPECT_TRUE(idle.WaitClosed(3s)) << "the idle keep-alive connection was not closed";
  bool refused = false;
  for (int i = 0; i < 150 && !refused; ++i) {
    refused = !RawConnection(server_->port()).connected();
    if (!refused) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(refused) << "new connections are still accepted while draining";
  EXPECT_FALSE(server_->WaitExit(200ms).has_value()) << "exited with a request in flight";

  ASSERT_TRUE(busy.Send(body.substr(body.size() / 2)));
  std::optional<RawResponse> done = busy.ReadResponse();
  ASSERT_TRUE(done.has_value()) << "the in-flight request got no response: " << busy.received();
  EXPECT_EQ(done->status, 201) << done->body;
  EXPECT_EQ(done->header("connection"), "close");
  EXPECT_TRUE(busy.WaitClosed(2s));

  std::optional<int> status = server_->WaitExit(4s);
  ASSERT_TRUE(status.has_value()) << "still running after the in-flight request finished";
  EXPECT_TRUE(WIFEXITED(*status)) << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

TEST_F(GracefulShutdownTest, SigtermWithOnlyIdleConnectionsExitsAtOnce) {
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.Send(Head("GET", "/health/live")));
  ASSERT_TRUE(idle.ReadResponse().has_value());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(server_->pid(), SIGTERM), 0);
  std::optional<int> status = server_->WaitExit(4s);
  ASSERT_TRUE(status.has_value()) << "an idle keep-alive connection held the shutdown";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  EXPECT_TRUE(idle.WaitClosed(1s));
}

}  // namespace
}  // namespace mlops::e2e
