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
  const std::string command = "MLOPS_DATA_DIR=" + other.path() + " MLOPS_ADMIN_API_KEY=" +
                              kAdminKey + " timeout 10 " + MLOPS_BINARY + " serve --port " +
                              std::to_string(server_->port()) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  EXPECT_NE(output.find("cannot listen"), std::string::npos) << output;
  EXPECT_EQ(admin_->Get("/health/live").status, 200);
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
