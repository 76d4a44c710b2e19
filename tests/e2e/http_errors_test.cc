#include <regex>
#include <set>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

constexpr std::size_t kJsonLimit = 1024 * 1024;  // MLOPS_MAX_JSON_BODY_BYTES default

// An error body is exactly {"detail": "<non-empty text>"} and shows nothing of the internals.
void ExpectErrorBody(const HttpResult& r) {
  const json body = r.json();
  ASSERT_TRUE(body.is_object()) << r.status << ": " << r.body;
  ASSERT_TRUE(body.contains("detail")) << r.body;
  EXPECT_EQ(body.size(), 1u) << "more than detail in " << r.body;
  EXPECT_TRUE(body["detail"].is_string()) << r.body;
  EXPECT_FALSE(body["detail"].get<std::string>().empty());
  for (const char* leak : {"Traceback", "terminate called", ".cc:", "std::", "what()", "0x7f"}) {
    EXPECT_EQ(r.body.find(leak), std::string::npos) << leak << " in " << r.body;
  }
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
}

class HttpErrorsTest : public ServerTest {};

TEST_F(HttpErrorsTest, MalformedJsonIs400) {
  for (const std::string body : {"{", "{\"name\": }", "not json", "{\"name\": \"a\"} trailing"}) {
    HttpResult r = admin_->Send("POST", Api("/models"), body, {"Content-Type: application/json"});
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    ExpectErrorBody(r);
  }
}

TEST_F(HttpErrorsTest, NonObjectJsonIs422) {
  for (const std::string body : {"[]", "[{\"name\": \"a\", \"task_type\": \"t\"}]", "42", "null"}) {
    HttpResult r = admin_->Send("POST", Api("/models"), body, {"Content-Type: application/json"});
    EXPECT_EQ(r.status, 422) << body << ": " << r.body;
    ExpectErrorBody(r);
  }
}

TEST_F(HttpErrorsTest, WrongContentTypeIs415) {
  const std::string body = json({{"name", "m"}, {"task_type", "t"}}).dump();
  for (const std::string type : {"Content-Type: text/plain", "Content-Type: application/xml",
                                 "Content-Type: application/x-www-form-urlencoded"}) {
    HttpResult r = admin_->Send("POST", Api("/models"), body, {type});
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
    ExpectErrorBody(r);
  }
  HttpResult charset =
      admin_->Send("POST", Api("/models"), body, {"Content-Type: application/json; charset=utf-8"});
  EXPECT_EQ(charset.status, 201) << charset.body;
}

TEST_F(HttpErrorsTest, JsonBodyOverOneMebibyteIs413WithContentLength) {
  // A valid object just over the limit, so only its size is wrong.
  const std::string body = "{\"name\": \"big\", \"task_type\": \"t\", \"description\": \"" +
                           std::string(kJsonLimit, 'd') + "\"}";
  HttpResult r = admin_->Send("POST", Api("/models"), body, {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 413) << r.error << " " << r.body.substr(0, 200);
  ExpectErrorBody(r);
  EXPECT_EQ(admin_->Get(Api("/models")).json(), json::array()) << "nothing was created";
}

TEST_F(HttpErrorsTest, JsonBodyOverOneMebibyteIs413WhenChunked) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("POST " + Api("/models") + " HTTP/1.1\r\nHost: t\r\nX-API-Key: " + kAdminKey +
                     "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  // Chunks until the server answers or 1.5 MiB are out; it may stop reading at any point.
  const std::string chunk(64 * 1024, ' ');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  for (std::size_t sent = 0; sent < kJsonLimit * 3 / 2; sent += chunk.size()) {
    if (!c.Send(size_line + chunk + "\r\n")) break;
  }
  c.Send("0\r\n\r\n");
  std::optional<RawResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value()) << c.received();
  EXPECT_EQ(r->status, 413) << r->head << r->body;
  EXPECT_TRUE(json::parse(r->body, nullptr, false)["detail"].is_string()) << r->body;
}

TEST_F(HttpErrorsTest, UnknownRouteIs404WithDetail) {
  for (const std::string path : {"/nope", "/api/v1/mlops/nothing", "/api/v1/mlops/models/x/y/z"}) {
    HttpResult r = admin_->Get(path);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    ExpectErrorBody(r);
  }
}

TEST_F(HttpErrorsTest, WrongMethodIs405WithAllow) {
  struct Case {
    std::string method, path;
    std::set<std::string> allowed;
  };
  const std::string id = "00000000-0000-4000-8000-000000000000";
  const std::vector<Case> cases = {
      {"DELETE", Api("/models"), {"GET", "POST"}},
      {"PUT", Api("/models/" + id), {"GET", "PATCH"}},
      {"POST", Api("/feedback/versions/" + id), {"GET"}},
      {"POST", "/health/live", {"GET"}},
  };
  for (const Case& c : cases) {
    HttpResult r = admin_->Send(c.method, c.path, "", {});
    EXPECT_EQ(r.status, 405) << c.method << " " << c.path << ": " << r.body;
    ExpectErrorBody(r);
    std::set<std::string> allow;
    const std::regex token("[A-Z]+");
    const std::string header = r.header("allow");
    for (auto it = std::sregex_iterator(header.begin(), header.end(), token);
         it != std::sregex_iterator(); ++it) {
      allow.insert(it->str());
    }
    allow.erase("HEAD");
    allow.erase("OPTIONS");
    EXPECT_EQ(allow, c.allowed) << c.method << " " << c.path << ": Allow: " << header;
  }
}

TEST_F(HttpErrorsTest, RequestIdIsEchoedOrGenerated) {
  HttpResult given = admin_->Get(Api("/models"), {"X-Request-Id: trace-abc.123_x"});
  EXPECT_EQ(given.header("x-request-id"), "trace-abc.123_x");
  HttpResult error = admin_->Get(Api("/models/not-a-uuid"), {"X-Request-Id: failing-request-7"});
  EXPECT_EQ(error.header("x-request-id"), "failing-request-7");

  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  // Ids that could forge log lines or bloat headers are replaced, not echoed.
  for (const std::string& bad :
       {std::string("has space"), std::string("semi;colon"), std::string(200, 'x')}) {
    const std::string echoed =
        admin_->Get("/health/live", {"X-Request-Id: " + bad}).header("x-request-id");
    EXPECT_TRUE(std::regex_match(echoed, uuid)) << bad << " -> " << echoed;
  }
  const std::string first = admin_->Get(Api("/models")).header("x-request-id");
  const std::string second = admin_->Get("/health/live").header("x-request-id");
  EXPECT_TRUE(std::regex_match(first, uuid)) << first;
  EXPECT_TRUE(std::regex_match(second, uuid)) << second;
  EXPECT_NE(first, second);
  HttpClient anonymous(server_->base_url(), "");
  EXPECT_TRUE(std::regex_match(anonymous.Get(Api("/models")).header("x-request-id"), uuid));
}

TEST_F(HttpErrorsTest, NonUuidPathIdsAre422) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"GET", Api("/models/abc")},
      {"PATCH", Api("/models/abc")},
      {"GET", Api("/models/abc/versions")},
      {"POST", Api("/models/abc/versions")},
      {"GET", Api("/models/versions/abc")},
      {"GET", Api("/models/versions/abc/artifact")},
      {"PATCH", Api("/models/versions/abc/status")},
      {"GET", Api("/feedback/versions/abc")},
      {"GET", Api("/feedback/versions/abc/summary")},
      {"DELETE", Api("/api-keys/abc")},
      {"GET", Api("/models/00000000-0000-4000-8000-00000000000g")},
  };
  for (const auto& [method, path] : cases) {
    const bool multipart = path.ends_with("/versions") && method == "POST";
    const std::string type = multipart ? "Content-Type: multipart/form-data; boundary=xyz"
                                       : "Content-Type: application/json";
    HttpResult r =
        admin_->Send(method, path, method == "GET" || method == "DELETE" ? "" : "{}", {type});
    EXPECT_EQ(r.status, 422) << method << " " << path << ": " << r.body;
    ExpectErrorBody(r);
  }
}

TEST_F(HttpErrorsTest, ClientMistakesNeverGive500) {
  const std::string id = "00000000-0000-4000-8000-000000000000";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Api("/models"), "{\"name\": 5, \"task_type\": []}"},
      {Api("/models"), "{\"name\": \"" + std::string(300, 'n') + "\", \"task_type\": \"t\"}"},
      {Api("/models"), "{\"name\": \"../etc\", \"task_type\": \"t\"}"},
      {Api("/feedback"), "{\"model_version_id\": \"" + id + "\", \"rating\": 1e400}"},
      {Api("/feedback"), "{\"model_version_id\": \"" + id + "\", \"rating\": 99999999999999}"},
      {Api("/api-keys"), "{\"name\": {\"a\": 1}, \"role\": \"viewer\"}"},
      {Api("/models"), "{\"name\": \"\\ud800\", \"task_type\": \"t\"}"},
  };
  for (const auto& [path, body] : cases) {
    HttpResult r = admin_->Send("POST", path, body, {"Content-Type: application/json"});
    EXPECT_GE(r.status, 400) << path << " " << body << ": " << r.body;
    EXPECT_LT(r.status, 500) << path << " " << body << ": " << r.body;
    ExpectErrorBody(r);
  }
}

// JSON nested this deep once took the service down (a stack overflow). Every JSON the API reads
// is refused past 64 levels, with 422 naming the limit, and the service carries on.
TEST_F(HttpErrorsTest, DeeplyNestedJsonIs422AndTheServiceSurvives) {
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth) * 1, '[') + "1" +
           std::string(static_cast<std::size_t>(depth), ']');
  };
  const auto deep_object = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "{\"a\":";
    return text + "1" + std::string(static_cast<std::size_t>(depth), '}');
  };
  const std::string model_id = CreateModel(*admin_, "deep");
  const std::string version_id = UploadVersion(*admin_, model_id, "1").value("id", "");
  const auto expect_refused = [&](const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.status, 422) << what << ": " << r.error << " " << r.body.substr(0, 300);
    ExpectErrorBody(r);
    EXPECT_NE(r.json().value("detail", "").find("64"), std::string::npos) << r.body;
    ASSERT_EQ(admin_->Get("/health/live").status, 200) << "the service died on " << what;
  };

  const std::string feedback = "{\"model_version_id\": \"" + version_id +
                               "\", \"rating\": 4, \"feedback_data\": " + deep_object(100'000) +
                               "}";
  expect_refused(
      admin_->Send("POST", Api("/feedback"), feedback, {"Content-Type: application/json"}),
      "feedback_data");
  const std::string arrays = "{\"model_version_id\": \"" + version_id +
                             "\", \"rating\": 4, \"feedback_data\": {\"x\": " + nested(100'000) +
                             "}}";
  expect_refused(admin_->Send("POST", Api("/feedback"), arrays, {"Content-Type: application/json"}),
                 "feedback_data arrays");

  json details = VersionDetails("2");
  const std::string deep_details = details.dump().substr(0, details.dump().size() - 1) +
                                   ",\"parameters\":" + deep_object(100'000) + "}";
  expect_refused(
      admin_->Send("POST", Api("/models/" + model_id + "/versions"),
                   MultipartBody({{"version_details", deep_details}, {"file", "bytes", "m.onnx"}}),
                   {kMultipartType}),
      "upload parameters");
  expect_refused(
      admin_->Send("POST", Api("/models"), deep_object(65), {"Content-Type: application/json"}),
      "a body one level too deep");

  // Nothing was stored, and 64 levels are still fine.
  EXPECT_EQ(admin_->Get(Api("/feedback/versions/" + version_id)).json(), json::array());
  EXPECT_EQ(admin_->Get(Api("/models/" + model_id + "/versions")).json().size(), 1u);
  const std::string at_limit = "{\"model_version_id\": \"" + version_id +
                               "\", \"rating\": 4, \"feedback_data\": " + deep_object(63) + "}";
  HttpResult ok =
      admin_->Send("POST", Api("/feedback"), at_limit, {"Content-Type: application/json"});
  EXPECT_EQ(ok.status, 201) << ok.body;
}

}  // namespace
}  // namespace mlops::e2e
