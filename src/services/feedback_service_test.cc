// Feedback over a real SQLite store in a temporary directory: what a submission needs, listing,
// the summary's arithmetic, and that a failing store leaves no feedback half stored.
#include "services/feedback_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/uuid.h"
#include "domain/field_rules.h"
#include "services/registry_service.h"
#include "testing/test_stores.h"

namespace mlops {
namespace {

using test::ForEachInjectedFault;
using ::testing::ElementsAre;

class FeedbackServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Model model = RegistryService(stores_.real_metadata())
                            .CreateModel({"m", std::nullopt, "classification", std::nullopt})
                            .value();
    version_.id = NewUuid();
    version_.model_id = model.id;
    version_.version_string = "1";
    version_.artifact_path = "models/models/" + model.id + "/1/m.onnx";
    version_.status = ModelVersionStatus::kStaging;
    version_.created_at = version_.updated_at = NowMs();
    version_.artifact_size_bytes = 1;
    version_.artifact_sha256 = std::string(64, '0');
    ASSERT_TRUE(stores_.real_metadata()
                    .Write([&](MetadataTx& tx) { return tx.InsertVersion(version_); })
                    .ok());
  }

  NewFeedback Rating(int rating) {
    NewFeedback in;
    in.model_version_id = version_.id;
    in.rating = rating;
    return in;
  }

  test::TestStores stores_{"mlops-feedback"};
  FeedbackService feedback_{stores_.metadata()};
  ModelVersion version_;
};

TEST_F(FeedbackServiceTest, ASubmissionIsStoredAsGiven) {
  NewFeedback in = Rating(4);
  in.user_id = "u1";
  in.generation_request_id = "req-7";
  in.comment = "good";
  in.feedback_data = R"({"latency_ms":12})";
  StatusOr<Feedback> submitted = feedback_.Submit(in);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  EXPECT_FALSE(submitted->id.empty());
  EXPECT_GT(submitted->submitted_at, 0);

  Page<Feedback> page = feedback_.List(version_.id, {}).value();
  ASSERT_EQ(page.total, 1);
  const Feedback& stored = page.items[0];
  EXPECT_EQ(stored.id, submitted->id);
  EXPECT_EQ(stored.model_version_id, version_.id);
  EXPECT_EQ(stored.user_id, "u1");
  EXPECT_EQ(stored.generation_request_id, "req-7");
  EXPECT_EQ(stored.rating, 4);
  EXPECT_EQ(stored.comment, "good");
  EXPECT_EQ(stored.feedback_data, R"({"latency_ms":12})");
}

TEST_F(FeedbackServiceTest, ASubmissionNeedsARatingACommentOrDataAndValidValues) {
  NewFeedback empty;
  empty.model_version_id = version_.id;
  empty.user_id = "u1";  // not feedback by itself
  EXPECT_EQ(feedback_.Submit(empty).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(feedback_.Submit(Rating(0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(feedback_.Submit(Rating(6)).status().code(), StatusCode::kInvalidArgument);
  NewFeedback long_comment;
  long_comment.model_version_id = version_.id;
  long_comment.comment = std::string(kMaxCommentChars + 1, 'c');
  EXPECT_EQ(feedback_.Submit(long_comment).status().code(), StatusCode::kInvalidArgument);
  NewFeedback unknown = Rating(3);
  unknown.model_version_id = NewUuid();
  EXPECT_EQ(feedback_.Submit(unknown).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(stores_.CountRows("aimodelfeedback"), 0);

  // Each one alone is enough; the bounds are included.
  long_comment.comment = std::string(kMaxCommentChars, 'c');
  EXPECT_TRUE(feedback_.Submit(long_comment).ok());
  NewFeedback data_only;
  data_only.model_version_id = version_.id;
  data_only.feedback_data = "{}";
  EXPECT_TRUE(feedback_.Submit(data_only).ok());
  EXPECT_TRUE(feedback_.Submit(Rating(1)).ok());
  EXPECT_TRUE(feedback_.Submit(Rating(5)).ok());
  EXPECT_EQ(stores_.CountRows("aimodelfeedback"), 4);
}

TEST_F(FeedbackServiceTest, TheSummaryAveragesOnlyRatedFeedbackAndCountsEachRating) {
  for (int rating : {5, 4, 4, 1}) ASSERT_TRUE(feedback_.Submit(Rating(rating)).ok());
  NewFeedback comment_only;
  comment_only.model_version_id = version_.id;
  comment_only.comment = "no rating";
  ASSERT_TRUE(feedback_.Submit(comment_only).ok());

  StatusOr<FeedbackSummary> summary = feedback_.Summarize(version_.id);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->count, 5);
  ASSERT_TRUE(summary->average_rating.has_value());
  EXPECT_DOUBLE_EQ(*summary->average_rating, 3.5);  // (5 + 4 + 4 + 1) / 4
  EXPECT_THAT(summary->rating_counts, ElementsAre(1, 0, 0, 2, 1));
}

TEST_F(FeedbackServiceTest, AVersionWithoutRatingsHasNoAverage) {
  FeedbackSummary none = feedback_.Summarize(version_.id).value();
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(none.average_rating, std::nullopt);
  EXPECT_THAT(none.rating_counts, ElementsAre(0, 0, 0, 0, 0));

  NewFeedback comment_only;
  comment_only.model_version_id = version_.id;
  comment_only.comment = "no rating";
  ASSERT_TRUE(feedback_.Submit(comment_only).ok());
  FeedbackSummary unrated = feedback_.Summarize(version_.id).value();
  EXPECT_EQ(unrated.count, 1);
  EXPECT_EQ(unrated.average_rating, std::nullopt);
}

TEST_F(FeedbackServiceTest, ListAndSummaryOfAnUnknownVersionAreNotFound) {
  EXPECT_EQ(feedback_.List(NewUuid(), {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(feedback_.Summarize(NewUuid()).status().code(), StatusCode::kNotFound);
}

TEST_F(FeedbackServiceTest, ListPagesAndCountsEveryItem) {
  for (int rating : {1, 2, 3}) ASSERT_TRUE(feedback_.Submit(Rating(rating)).ok());
  Page<Feedback> page = feedback_.List(version_.id, {2, 10}).value();
  EXPECT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(feedback_.List(version_.id, {0, 2}).value().items.size(), 2u);
}

TEST_F(FeedbackServiceTest, AFailedSubmissionLeavesNoFeedback) {
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    StatusOr<Feedback> submitted = feedback_.Submit(Rating(5));
    if (!stores_.faults().fired()) {
      EXPECT_TRUE(submitted.ok()) << submitted.status().ToString();
      return;
    }
    EXPECT_EQ(submitted.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(stores_.CountRows("aimodelfeedback"), 0) << "fault " << n;
  });
  EXPECT_EQ(faults, 4);  // the transaction, the version lookup, the insert, the commit
  EXPECT_EQ(feedback_.Summarize(version_.id).value().count, 1);
}

}  // namespace
}  // namespace mlops
