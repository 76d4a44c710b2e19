#include <regex>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

constexpr char kUnknownUuid[] = "00000000-0000-4000-8000-000000000000";
constexpr char kUserId[] = "11111111-2222-4333-8444-555555555555";
constexpr char kRequestId[] = "66666666-7777-4888-9999-aaaaaaaaaaaa";

class FeedbackTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    const std::string model_id = CreateModel(*admin_, "feedback-model");
    version_id_ = UploadVersion(*admin_, model_id, "1.0").value("id", "");
    ASSERT_FALSE(version_id_.empty());
  }

  HttpResult Submit(json body) const {
    if (!body.contains("model_version_id")) body["model_version_id"] = version_id_;
    return admin_->PostJson(Api("/feedback"), body);
  }

  std::string version_id_;
};

TEST_F(FeedbackTest, SubmitReturnsEveryField) {
  const json data = {{"prompt", "a fox"}, {"tags", {"blurry"}}};
  HttpResult r = Submit({{"user_id", kUserId},
                         {"generation_request_id", kRequestId},
                         {"rating", 4},
                         {"comment", "nice colours"},
                         {"feedback_data", data}});
  ASSERT_EQ(r.status, 201) << r.body;
  const json f = r.json();
  EXPECT_TRUE(std::regex_match(f.value("id", ""),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-"
                                          "[0-9a-f]{12}")))
      << r.body;
  EXPECT_EQ(f["model_version_id"], version_id_);
  EXPECT_EQ(f["user_id"], kUserId);
  EXPECT_EQ(f["generation_request_id"], kRequestId);
  EXPECT_EQ(f["rating"], 4);
  EXPECT_EQ(f["comment"], "nice colours");
  EXPECT_EQ(f["feedback_data"], data);
  EXPECT_TRUE(std::regex_match(f.value("submitted_at", ""),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
      << r.body;
}

TEST_F(FeedbackTest, OptionalFieldsAreNullWhenAbsent) {
  HttpResult r = Submit({{"comment", "only words"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const json f = r.json();
  for (const char* field : {"user_id", "generation_request_id", "rating", "feedback_data"}) {
    ASSERT_TRUE(f.contains(field)) << field;
    EXPECT_TRUE(f[field].is_null()) << field << ": " << r.body;
  }
}

TEST_F(FeedbackTest, InvalidRatingsAre422) {
  for (const json& rating : {json(0), json(6), json(-1), json(4.5), json("5"), json(true)}) {
    HttpResult r = Submit({{"rating", rating}});
    EXPECT_EQ(r.status, 422) << rating.dump() << ": " << r.body;
    EXPECT_TRUE(r.json()["detail"].is_string()) << r.body;
  }
  for (int rating : {1, 5}) EXPECT_EQ(Submit({{"rating", rating}}).status, 201) << rating;
}

TEST_F(FeedbackTest, CommentIsAtMost4000Characters) {
  EXPECT_EQ(Submit({{"comment", std::string(4001, 'x')}}).status, 422);
  HttpResult ok = Submit({{"comment", std::string(4000, 'x')}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  // Characters, not bytes: 4000 two-byte characters are still within the limit.
  std::string accented;
  for (int i = 0; i < 4000; ++i) accented += "\xC3\xA9";
  EXPECT_EQ(Submit({{"comment", accented}}).status, 201);
}

TEST_F(FeedbackTest, FeedbackDataMustBeAnObject) {
  for (const json& data : {json::array({1, 2}), json("text"), json(3)}) {
    EXPECT_EQ(Submit({{"feedback_data", data}}).status, 422) << data.dump();
  }
  EXPECT_EQ(Submit({{"feedback_data", json::object()}}).status, 201);
}

TEST_F(FeedbackTest, AtLeastOneOfRatingCommentData) {
  EXPECT_EQ(Submit(json::object()).status, 422);
  EXPECT_EQ(Submit({{"user_id", kUserId}}).status, 422);
  EXPECT_EQ(Submit({{"rating", nullptr}, {"comment", nullptr}, {"feedback_data", nullptr}}).status,
            422);
}

TEST_F(FeedbackTest, UnknownVersionIs404AndBadUuidsAre422) {
  EXPECT_EQ(Submit({{"model_version_id", kUnknownUuid}, {"rating", 3}}).status, 404);
  EXPECT_EQ(Submit({{"model_version_id", "not-a-uuid"}, {"rating", 3}}).status, 422);
  EXPECT_EQ(Submit({{"user_id", "nope"}, {"rating", 3}}).status, 422);
  EXPECT_EQ(Submit({{"generation_request_id", "12345"}, {"rating", 3}}).status, 422);
  EXPECT_EQ(admin_->PostJson(Api("/feedback"), {{"rating", 3}}).status, 422);  // no version id
  EXPECT_EQ(admin_->Get(Api("/feedback/versions/not-a-uuid")).status, 422);
  EXPECT_EQ(admin_->Get(Api("/feedback/versions/not-a-uuid/summary")).status, 422);
}

// docs/http-api.md "Conventions": lists are in creation order, then id (feedback submitted within
// one millisecond is ordered by id).
TEST_F(FeedbackTest, ListIsInSubmissionOrderAndPaged) {
  std::vector<std::string> ids;
  for (int i = 1; i <= 5; ++i) {
    HttpResult r = Submit({{"rating", i}, {"comment", "n" + std::to_string(i)}});
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(r.json()["id"]);
  }
  const std::string list = Api("/feedback/versions/" + version_id_);
  HttpResult all = admin_->Get(list);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.header("x-total-count"), "5");
  ASSERT_EQ(all.json().size(), 5u) << all.body;
  ExpectListOrder(all.json(), "submitted_at");
  std::vector<std::string> listed;
  for (const auto& item : all.json()) listed.push_back(item["id"]);
  EXPECT_EQ(Sorted(listed), Sorted(ids));

  HttpResult page = admin_->Get(list + "?skip=1&limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("x-total-count"), "5");
  ASSERT_EQ(page.json().size(), 2u);
  EXPECT_EQ(page.json()[0]["id"], all.json()[1]["id"]);
  EXPECT_EQ(page.json()[1]["id"], all.json()[2]["id"]);

  HttpResult past_end = admin_->Get(list + "?skip=10");
  EXPECT_EQ(past_end.status, 200);
  EXPECT_EQ(past_end.json(), json::array());
  EXPECT_EQ(admin_->Get(list + "?limit=0").status, 422);
  EXPECT_EQ(admin_->Get(list + "?limit=1001").status, 422);
  EXPECT_EQ(admin_->Get(list + "?skip=-1").status, 422);
  EXPECT_EQ(admin_->Get(Api("/feedback/versions/") + kUnknownUuid).status, 404);
}

TEST_F(FeedbackTest, SummaryCountsAndAverages) {
  const std::string summary = Api("/feedback/versions/" + version_id_ + "/summary");
  HttpResult empty = admin_->Get(summary);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json()["count"], 0);
  EXPECT_TRUE(empty.json()["average_rating"].is_null()) << empty.body;
  EXPECT_EQ(empty.json()["rating_counts"],
            json({{"1", 0}, {"2", 0}, {"3", 0}, {"4", 0}, {"5", 0}}));

  ASSERT_EQ(Submit({{"comment", "no rating"}}).status, 201);
  HttpResult unrated = admin_->Get(summary);
  EXPECT_EQ(unrated.json()["count"], 1) << unrated.body;
  EXPECT_TRUE(unrated.json()["average_rating"].is_null()) << unrated.body;

  for (int rating : {5, 5, 2}) ASSERT_EQ(Submit({{"rating", rating}}).status, 201);
  HttpResult rated = admin_->Get(summary);
  ASSERT_EQ(rated.status, 200) << rated.body;
  EXPECT_EQ(rated.json()["count"], 4);
  EXPECT_DOUBLE_EQ(rated.json()["average_rating"].get<double>(), 4.0);
  EXPECT_EQ(rated.json()["rating_counts"],
            json({{"1", 0}, {"2", 1}, {"3", 0}, {"4", 0}, {"5", 2}}));
  EXPECT_EQ(admin_->Get(Api("/feedback/versions/") + kUnknownUuid + "/summary").status, 404);
}

}  // namespace
}  // namespace mlops::e2e
