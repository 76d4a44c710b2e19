#include <functional>
#include <regex>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

constexpr char kUnknownUuid[] = "00000000-0000-4000-8000-000000000000";

class AuthTest : public ServerTest {
 protected:
  // Issues a key with `role` through the API and returns its secret.
  std::string IssueKey(const std::string& name, const std::string& role) {
    HttpResult r = admin_->PostJson(Api("/api-keys"), {{"name", name}, {"role", role}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("key", "");
  }
};

TEST_F(AuthTest, MissingKeyIs401WithDetailAndChallenge) {
  HttpClient anonymous(server_->base_url(), "");
  HttpResult r = anonymous.Get(Api("/models"));
  EXPECT_EQ(r.status, 401);
  ASSERT_TRUE(r.json().is_object()) << r.body;
  EXPECT_TRUE(r.json()["detail"].is_string()) << r.body;
  EXPECT_FALSE(r.header("www-authenticate").empty());
}

TEST_F(AuthTest, UnknownKeyIs401) {
  HttpClient stranger(server_->base_url(), "mlops_not-a-key-that-was-ever-issued");
  HttpResult r = stranger.Get(Api("/models"));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.json()["detail"].is_string()) << r.body;
  EXPECT_FALSE(r.header("www-authenticate").empty());
}

TEST_F(AuthTest, BearerAndXApiKeyBothAuthenticate) {
  HttpClient anonymous(server_->base_url(), "");
  EXPECT_EQ(anonymous.Get(Api("/models"), {std::string("X-API-Key: ") + kAdminKey}).status, 200);
  EXPECT_EQ(
      anonymous.Get(Api("/models"), {std::string("Authorization: Bearer ") + kAdminKey}).status,
      200);
  EXPECT_EQ(anonymous.Get(Api("/models"), {"Authorization: Bearer wrong-key-0123456789"}).status,
            401);
  EXPECT_EQ(
      anonymous.Get(Api("/models"), {std::string("Authorization: Basic ") + kAdminKey}).status,
      401);
}

TEST_F(AuthTest, IssuedKeyIsShownOnceAndNeverListed) {
  HttpResult created =
      admin_->PostJson(Api("/api-keys"), {{"name", "orchestrator"}, {"role", "viewer"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json key = created.json();
  for (const char* field : {"id", "name", "role", "key", "created_at"}) {
    EXPECT_TRUE(key.contains(field)) << field << " missing in " << created.body;
  }
  EXPECT_EQ(key["name"], "orchestrator");
  EXPECT_EQ(key["role"], "viewer");
  const std::string secret = key["key"];
  EXPECT_GE(secret.size(), 16u);

  HttpResult list = admin_->Get(Api("/api-keys"));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_TRUE(list.json().is_array());
  bool listed = false;
  for (const json& item : list.json()) {
    for (const char* secret_field : {"key", "secret", "key_hash", "hash"}) {
      EXPECT_FALSE(item.contains(secret_field)) << secret_field << " in " << item.dump();
    }
    listed = listed || item["id"] == key["id"];
  }
  EXPECT_TRUE(listed) << list.body;
  EXPECT_EQ(list.body.find(secret), std::string::npos);

  HttpClient viewer(server_->base_url(), secret);
  EXPECT_EQ(viewer.Get(Api("/models")).status, 200);
  EXPECT_EQ(viewer.PostJson(Api("/models"), {{"name", "m"}, {"task_type", "t"}}).status, 403);
}

TEST_F(AuthTest, RevokedKeyIsRejected) {
  HttpResult created =
      admin_->PostJson(Api("/api-keys"), {{"name", "temp"}, {"role", "model_manager"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  HttpClient manager(server_->base_url(), created.json()["key"]);
  ASSERT_EQ(manager.Get(Api("/models")).status, 200);

  HttpResult revoked = admin_->Delete(Api("/api-keys/" + id));
  EXPECT_EQ(revoked.status, 204) << revoked.body;
  EXPECT_TRUE(revoked.body.empty());
  EXPECT_EQ(manager.Get(Api("/models")).status, 401);
  EXPECT_EQ(admin_->Delete(Api("/api-keys/" + id)).status, 404);
  EXPECT_EQ(admin_->Delete(Api("/api-keys/not-a-uuid")).status, 422);
}

TEST_F(AuthTest, InvalidKeyRequestsAre422) {
  EXPECT_EQ(admin_->PostJson(Api("/api-keys"), {{"name", "x"}, {"role", "superuser"}}).status, 422);
  EXPECT_EQ(admin_->PostJson(Api("/api-keys"), {{"name", "x"}, {"role", "ADMIN"}}).status, 422);
  EXPECT_EQ(admin_->PostJson(Api("/api-keys"), {{"name", ""}, {"role", "viewer"}}).status, 422);
  EXPECT_EQ(admin_->PostJson(Api("/api-keys"), {{"role", "viewer"}}).status, 422);
  EXPECT_EQ(admin_->PostJson(Api("/api-keys"), {{"name", "x"}}).status, 422);
}

// One route of the API, with a request that gets past authorization when the role may use it.
struct RouteCall {
  std::string name;
  std::string permission;  // read_registry, write_registry, read_feedback, write_feedback, keys
  std::function<HttpResult(const HttpClient&)> call;
};

// What each role may do (src/domain/roles.cc, README "Roles").
bool Allowed(const std::string& role, const std::string& permission) {
  if (role == "admin") return true;
  if (role == "model_manager") return permission != "keys";
  if (role == "viewer") return permission == "read_registry" || permission == "read_feedback";
  if (role == "feedback_writer") {
    return permission == "read_registry" || permission == "write_feedback";
  }
  return false;
}

// Every route of the API over one model and one version, in a server with those made.
class RouteTableTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    model_id_ = CreateModel(*admin_, "matrix-model");
    version_id_ = UploadVersion(*admin_, model_id_, "1.0").value("id", "");
    ASSERT_FALSE(version_id_.empty());
  }

  // Requests that get past authorization, each with fresh names so that repeats do not clash.
  std::vector<RouteCall> Routes() {
    const std::string m = Api("/models/" + model_id_);
    const std::string v = Api("/models/versions/" + version_id_);
    const std::string fb = Api("/feedback/versions/" + version_id_);
    const std::string val = Api("/validation");
    auto fresh = [this](const std::string& prefix) { return prefix + std::to_string(++counter_); };
    return {
        {"POST /models", "write_registry",
         [=, this](const HttpClient& c) {
           return c.PostJson(Api("/models"),
                             {{"name", fresh("made-")}, {"task_type", "text_to_image"}});
         }},
        {"GET /models", "read_registry",
         [=, this](const HttpClient& c) { return c.Get(Api("/models")); }},
        {"GET /models/{id}", "read_registry", [=, this](const HttpClient& c) { return c.Get(m); }},
        {"PATCH /models/{id}", "write_registry",
         [=, this](const HttpClient& c) {
           return c.PatchJson(m, {{"description", "patched"}});
         }},
        {"POST /models/{id}/versions", "write_registry",
         [=, this](const HttpClient& c) {
           return c.UploadVersion(model_id_,
                                  {{"version_string", fresh("v")},
                                   {"model_format", "ONNX"},
                                   {"interface_type", "TRITON_INFERENCE_SERVER"}},
                                  "m.onnx", "bytes");
         }},
        {"GET /models/{id}/versions", "read_registry",
         [=, this](const HttpClient& c) { return c.Get(m + "/versions"); }},
        {"GET /models/versions/{id}", "read_registry",
         [=, this](const HttpClient& c) { return c.Get(v); }},
        {"GET /models/versions/{id}/artifact", "read_registry",
         [=, this](const HttpClient& c) { return c.Get(v + "/artifact"); }},
        {"PATCH /models/versions/{id}/status", "write_registry",
         [=, this](const HttpClient& c) {
           return c.PatchJson(v + "/status", {{"new_status", "PENDING_VALIDATION"}});
         }},
        {"POST /validation/versions/{id}/trigger", "write_registry",
         [=, this](const HttpClient& c) {
           return c.PostJson(val + "/versions/" + version_id_ + "/trigger",
                             {{"scan_types", {"security_container"}}});
         }},
        {"GET /validation/versions/{id}/results", "read_registry",
         [=, this](const HttpClient& c) {
           return c.Get(val + "/versions/" + version_id_ + "/results");
         }},
        {"GET /validation/results/{id}", "read_registry",
         [=, this](const HttpClient& c) { return c.Get(val + "/results/" + kUnknownUuid); }},
        {"GET /validation/results/{id}/report", "read_registry",
         [=, this](const HttpClient& c) {
           return c.Get(val + "/results/" + std::string(kUnknownUuid) + "/report");
         }},
        {"POST /feedback", "write_feedback",
         [=, this](const HttpClient& c) {
           return c.PostJson(Api("/feedback"), {{"model_version_id", version_id_}, {"rating", 4}});
         }},
        {"GET /feedback/versions/{id}", "read_feedback",
         [=, this](const HttpClient& c) { return c.Get(fb); }},
        {"GET /feedback/versions/{id}/summary", "read_feedback",
         [=, this](const HttpClient& c) { return c.Get(fb + "/summary"); }},
        {"POST /api-keys", "keys",
         [=, this](const HttpClient& c) {
           return c.PostJson(Api("/api-keys"), {{"name", fresh("k")}, {"role", "viewer"}});
         }},
        {"GET /api-keys", "keys",
         [=, this](const HttpClient& c) { return c.Get(Api("/api-keys")); }},
        {"DELETE /api-keys/{id}", "keys",
         [=, this](const HttpClient& c) { return c.Delete(Api("/api-keys/") + kUnknownUuid); }},
    };
  }

  std::string model_id_;
  std::string version_id_;
  int counter_ = 0;
};

TEST_F(RouteTableTest, EveryRouteNeedsAKey) {
  const std::vector<RouteCall> routes = Routes();
  ASSERT_EQ(routes.size(), 19u);
  HttpClient anonymous(server_->base_url(), "");
  HttpClient stranger(server_->base_url(), "mlops_unknown-key-0123456789");
  for (const RouteCall& route : routes) {
    for (const HttpClient* client : {&anonymous, &stranger}) {
      HttpResult r = route.call(*client);
      EXPECT_EQ(r.status, 401) << route.name << ": " << r.body;
      EXPECT_TRUE(r.json()["detail"].is_string()) << r.body;
    }
  }
}

class RoleMatrixTest : public RouteTableTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RoleMatrixTest, EveryRouteIsForbiddenExactlyWhenTheRoleLacksItsPermission) {
  const std::string role = GetParam();
  const std::string secret = role == "admin" ? kAdminKey : IssueKey(role + "-key", role);
  HttpClient client(server_->base_url(), secret);
  for (const RouteCall& route : Routes()) {
    HttpResult r = route.call(client);
    if (Allowed(role, route.permission)) {
      EXPECT_NE(r.status, 401) << role << " " << route.name << ": " << r.body;
      EXPECT_NE(r.status, 403) << role << " " << route.name << ": " << r.body;
      EXPECT_GT(r.status, 0) << role << " " << route.name << ": " << r.error;
    } else {
      EXPECT_EQ(r.status, 403) << role << " " << route.name << ": " << r.body;
      EXPECT_TRUE(r.json()["detail"].is_string()) << r.body;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllRoles, RoleMatrixTest,
                         ::testing::Values("admin", "model_manager", "viewer", "feedback_writer"));

class GeneratedAdminKeyTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.admin_key = false;
    ServerTest::SetUp();
  }
};

TEST_F(GeneratedAdminKeyTest, PrintedOnceAndKeptAcrossRestarts) {
  const std::regex printed("admin API key[^\\n]*: (\\S+)");
  std::smatch match;
  const std::string first_out = server_->Stdout();
  ASSERT_TRUE(std::regex_search(first_out, match, printed)) << first_out;
  const std::string key = match[1];
  HttpClient generated(server_->base_url(), key);
  EXPECT_EQ(generated.Get(Api("/api-keys")).status, 200);
  EXPECT_EQ(generated.PostJson(Api("/api-keys"), {{"name", "k"}, {"role", "viewer"}}).status, 201);
  EXPECT_EQ(admin_->Get(Api("/models")).status, 401);  // kAdminKey is not configured here

  Restart();
  const std::string both_out = server_->Stdout();  // the log file is appended to
  EXPECT_EQ(both_out.substr(0, first_out.size()), first_out);
  const std::string second_out = both_out.substr(first_out.size());
  EXPECT_FALSE(std::regex_search(second_out, match, printed)) << second_out;
  EXPECT_EQ(HttpClient(server_->base_url(), key).Get(Api("/api-keys")).status, 200);
}

}  // namespace
}  // namespace mlops::e2e
