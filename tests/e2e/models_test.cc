#include <algorithm>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

const std::regex kUuidV4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
const std::regex kRfc3339Ms(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");

class ModelsTest : public ServerTest {
 protected:
  HttpResult Create(const json& body) const { return admin_->PostJson(Api("/models"), body); }
  HttpResult List(const std::string& query) const { return admin_->Get(Api("/models" + query)); }
  // Names of the models a list request returns, in order (fails the test on an error or on a
  // list out of order).
  std::vector<std::string> ListNames(const std::string& query) const {
    HttpResult r = List(query);
    EXPECT_EQ(r.status, 200) << r.body;
    ExpectListOrder(r.json());
    std::vector<std::string> names;
    for (const auto& m : r.json()) names.push_back(m.value("name", ""));
    return names;
  }
};

TEST_F(ModelsTest, CreateReturnsEveryField) {
  const std::string owner = "0b7e5c1a-3f4d-4e8a-9c2b-1d2e3f4a5b6c";
  HttpResult r = Create({{"name", "sdxl-watercolor"},
                         {"description", "LoRA on SDXL"},
                         {"task_type", "text_to_image"},
                         {"owner_id", owner}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u) << r.header("content-type");
  const json m = r.json();
  ASSERT_TRUE(m.is_object()) << r.body;
  EXPECT_EQ(m.size(), 7u) << r.body;
  EXPECT_TRUE(std::regex_match(m["id"].get<std::string>(), kUuidV4)) << m["id"];
  EXPECT_EQ(m["name"], "sdxl-watercolor");
  EXPECT_EQ(m["description"], "LoRA on SDXL");
  EXPECT_EQ(m["task_type"], "text_to_image");
  EXPECT_EQ(m["owner_id"], owner);
  EXPECT_TRUE(std::regex_match(m["created_at"].get<std::string>(), kRfc3339Ms)) << m["created_at"];
  EXPECT_TRUE(std::regex_match(m["updated_at"].get<std::string>(), kRfc3339Ms)) << m["updated_at"];
  EXPECT_EQ(m["created_at"], m["updated_at"]);

  HttpResult got = admin_->Get(Api("/models/" + m["id"].get<std::string>()));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json(), m);
}

TEST_F(ModelsTest, OptionalFieldsDefaultToNull) {
  HttpResult r = Create({{"name", "bare"}, {"task_type", "text_to_image"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.json()["description"].is_null()) << r.body;
  EXPECT_TRUE(r.json()["owner_id"].is_null()) << r.body;
}

TEST_F(ModelsTest, GetUnknownIs404AndNonUuidIs422) {
  HttpResult unknown = admin_->Get(Api("/models/1b4e28ba-2fa1-4d2e-883f-0016d3cca427"));
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_TRUE(unknown.json().contains("detail")) << unknown.body;
  for (const std::string id : {"not-a-uuid", "12345", "1b4e28ba2fa14d2e883f0016d3cca427x"}) {
    HttpResult bad = admin_->Get(Api("/models/" + id));
    EXPECT_EQ(bad.status, 422) << id << ": " << bad.body;
    EXPECT_TRUE(bad.json().contains("detail")) << bad.body;
  }
}

TEST_F(ModelsTest, NameRules) {
  const std::string long_ok(128, 'a');
  for (const std::string name : {"a", "A.b_c-9", "9lives", long_ok.c_str()}) {
    EXPECT_EQ(Create({{"name", name}, {"task_type", "text_to_image"}}).status, 201) << name;
  }
  const std::string too_long(129, 'a');
  for (const std::string name : {"", "-leading", ".leading", "_leading", "has space", "slash/name",
                                 "percent%", "ümlaut", too_long.c_str()}) {
    HttpResult r = Create({{"name", name}, {"task_type", "text_to_image"}});
    EXPECT_EQ(r.status, 422) << "'" << name << "': " << r.body;
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
}

TEST_F(ModelsTest, DuplicateNameIs409) {
  ASSERT_EQ(Create({{"name", "dup"}, {"task_type", "text_to_image"}}).status, 201);
  HttpResult r = Create({{"name", "dup"}, {"task_type", "image_to_image"}});
  EXPECT_EQ(r.status, 409) << r.body;
  ASSERT_TRUE(r.json().contains("detail")) << r.body;
  EXPECT_TRUE(r.json()["detail"].is_string());
  EXPECT_EQ(List("").header("x-total-count"), "1");
}

TEST_F(ModelsTest, MissingOrWrongTypedFieldsAre422) {
  const std::vector<json> bodies = {
      {{"task_type", "text_to_image"}},
      {{"name", "m"}},
      {{"name", 7}, {"task_type", "text_to_image"}},
      {{"name", "m"}, {"task_type", 7}},
      {{"name", "m"}, {"task_type", "text_to_image"}, {"description", 3}},
      {{"name", "m"}, {"task_type", "text_to_image"}, {"owner_id", "not-a-uuid"}},
      {{"name", "m"}, {"task_type", "Text To Image"}},
      {{"name", nullptr}, {"task_type", "text_to_image"}},
  };
  for (const json& body : bodies) {
    HttpResult r = Create(body);
    EXPECT_EQ(r.status, 422) << body.dump() << ": " << r.body;
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
  EXPECT_EQ(List("").header("x-total-count"), "0");
}

TEST_F(ModelsTest, MalformedJsonIs400AndWrongContentTypeIs415) {
  EXPECT_EQ(admin_->Send("POST", Api("/models"), "{\"name\": ", {"Content-Type: application/json"})
                .status,
            400);
  EXPECT_EQ(admin_
                ->Send("POST", Api("/models"), R"({"name":"m","task_type":"t"})",
                       {"Content-Type: text/plain"})
                .status,
            415);
}

TEST_F(ModelsTest, ListPagesInStableOrderWithTotalCount) {
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) {
    names.push_back("m" + std::to_string((i * 5) % 7));
    CreateModel(*admin_, names.back());
  }
  // Creation order, then id for models created in the same millisecond.
  const std::vector<std::string> all = ListNames("");
  EXPECT_EQ(Sorted(all), Sorted(names));
  EXPECT_EQ(ListNames(""), all);
  HttpResult page = List("?skip=2&limit=3");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("x-total-count"), "7");
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(ListNames("?skip=2&limit=3"),
            std::vector<std::string>(all.begin() + 2, all.begin() + 5));
  EXPECT_EQ(ListNames("?skip=5&limit=3"), std::vector<std::string>(all.begin() + 5, all.end()));
  EXPECT_EQ(ListNames("?limit=1"), std::vector<std::string>{all.front()});
  EXPECT_TRUE(ListNames("?skip=7").empty());
  EXPECT_EQ(List("?skip=100").header("x-total-count"), "7");
  EXPECT_EQ(ListNames("?limit=1000").size(), 7u);
  for (const std::string query : {"?limit=0", "?limit=1001", "?skip=-1", "?limit=abc", "?skip=x"}) {
    HttpResult r = List(query);
    EXPECT_EQ(r.status, 422) << query << ": " << r.body;
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
}

TEST_F(ModelsTest, FiltersByTaskTypeAndLiteralNamePrefix) {
  CreateModel(*admin_, "sd_x", "text_to_image");
  CreateModel(*admin_, "sdax", "text_to_image");
  CreateModel(*admin_, "sd.y", "image_to_image");
  CreateModel(*admin_, "sdbz", "image_to_image");
  CreateModel(*admin_, "other", "image_to_image");

  EXPECT_EQ(Sorted(ListNames("?task_type=image_to_image")),
            (std::vector<std::string>{"other", "sd.y", "sdbz"}));
  EXPECT_EQ(List("?task_type=image_to_image").header("x-total-count"), "3");
  EXPECT_EQ(Sorted(ListNames("?name_prefix=sd")),
            (std::vector<std::string>{"sd.y", "sd_x", "sdax", "sdbz"}));
  // `_` and `%` are literal characters, not LIKE wildcards.
  EXPECT_EQ(ListNames("?name_prefix=sd_"), std::vector<std::string>{"sd_x"});
  // No name holds a `%`, so as a literal it matches nothing (as a wildcard it would match all).
  EXPECT_TRUE(ListNames("?name_prefix=sd%25").empty());
  EXPECT_TRUE(ListNames("?name_prefix=%25").empty());
  EXPECT_EQ(ListNames("?name_prefix=sd."), std::vector<std::string>{"sd.y"});
  EXPECT_EQ(List("?name_prefix=sd_").header("x-total-count"), "1");
  EXPECT_EQ(Sorted(ListNames("?name_prefix=sd&task_type=text_to_image")),
            (std::vector<std::string>{"sd_x", "sdax"}));
  EXPECT_TRUE(ListNames("?name_prefix=zzz").empty());
  EXPECT_TRUE(ListNames("?task_type=unheard_of").empty());
}

TEST_F(ModelsTest, PatchChangesFieldsAndMovesUpdatedAt) {
  HttpResult created =
      Create({{"name", "patched"}, {"description", "first"}, {"task_type", "text_to_image"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json before = created.json();
  const std::string path = Api("/models/" + before["id"].get<std::string>());
  const std::string owner = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

  // Timestamps have millisecond resolution: wait until the clock has visibly moved on.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  HttpResult r = admin_->PatchJson(
      path, {{"description", "second"}, {"task_type", "image_to_image"}, {"owner_id", owner}});
  ASSERT_EQ(r.status, 200) << r.body;
  json after = r.json();
  EXPECT_EQ(after["id"], before["id"]);
  EXPECT_EQ(after["name"], "patched");
  EXPECT_EQ(after["description"], "second");
  EXPECT_EQ(after["task_type"], "image_to_image");
  EXPECT_EQ(after["owner_id"], owner);
  EXPECT_EQ(after["created_at"], before["created_at"]);
  EXPECT_GT(after["updated_at"].get<std::string>(), before["updated_at"].get<std::string>());
  EXPECT_EQ(admin_->Get(path).json(), after);

  // Only what the body names changes; null clears the description.
  r = admin_->PatchJson(path, {{"description", nullptr}});
  ASSERT_EQ(r.status, 200) << r.body;
  after = r.json();
  EXPECT_TRUE(after["description"].is_null()) << r.body;
  EXPECT_EQ(after["task_type"], "image_to_image");
  EXPECT_EQ(after["owner_id"], owner);
  EXPECT_EQ(admin_->Get(path).json(), after);
}

TEST_F(ModelsTest, PatchRejectsBadValuesAndKeepsNameImmutable) {
  const std::string id = CreateModel(*admin_, "fixed");
  const std::string path = Api("/models/" + id);
  const json before = admin_->Get(path).json();
  const std::vector<json> bad = {
      {{"task_type", "Not Valid"}}, {{"task_type", nullptr}}, {{"task_type", 5}},
      {{"owner_id", "nope"}},       {{"description", 5}},
  };
  for (const json& body : bad) {
    HttpResult r = admin_->PatchJson(path, body);
    EXPECT_EQ(r.status, 422) << body.dump() << ": " << r.body;
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
  EXPECT_EQ(admin_->Get(path).json(), before);

  // The name is not among the patchable fields: whatever the answer, it stays.
  HttpResult rename = admin_->PatchJson(path, {{"name", "renamed"}});
  EXPECT_TRUE(rename.status == 200 || rename.status == 422) << rename.status << rename.body;
  EXPECT_EQ(admin_->Get(path).json()["name"], "fixed");
  EXPECT_EQ(List("?name_prefix=renamed").header("x-total-count"), "0");

  EXPECT_EQ(
      admin_->PatchJson(Api("/models/1b4e28ba-2fa1-4d2e-883f-0016d3cca427"), {{"description", "x"}})
          .status,
      404);
  EXPECT_EQ(admin_->PatchJson(Api("/models/not-a-uuid"), {{"description", "x"}}).status, 422);
  EXPECT_EQ(
      admin_->Send("PATCH", path, R"({"description":"x"})", {"Content-Type: text/plain"}).status,
      415);
}

TEST_F(ModelsTest, ConcurrentCreatesOfOneNameYieldOneModel) {
  constexpr int kThreads = 16;
  const std::vector<long> statuses =
      StatusesInParallel(kThreads, [this](const HttpClient& client, int i) {
        return client.PostJson(Api("/models"), {{"name", "contended"},
                                                {"task_type", "text_to_image"},
                                                {"description", std::to_string(i)}});
      });
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kThreads - 1);
  HttpResult list = List("");
  EXPECT_EQ(list.header("x-total-count"), "1");
  EXPECT_EQ(list.json().size(), 1u) << list.body;
}

}  // namespace
}  // namespace mlops::e2e
