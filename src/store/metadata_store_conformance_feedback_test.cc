// The conformance suite on feedback and API keys (see metadata_store_conformance.h).
#include "store/metadata_store_conformance.h"

namespace mlops::conformance {
namespace {

// Feedback

TEST_P(MetadataStoreConformanceTest, FeedbackIsListedInSubmissionOrderAndSummarized) {
  const Model model = NewModel("m");
  const ModelVersion version = NewVersion(model.id, "1");
  const ModelVersion quiet = NewVersion(model.id, "2");
  ASSERT_OK(Insert(*store_, model));
  ASSERT_OK(Insert(*store_, version));
  ASSERT_OK(Insert(*store_, quiet));

  Feedback sparse = NewFeedback(version.id, std::nullopt, 4000);
  sparse.user_id.reset();
  sparse.generation_request_id.reset();
  sparse.comment.reset();
  const std::vector<Feedback> feedback = {
      NewFeedback(version.id, 5, 3000), NewFeedback(version.id, 4, 1000),
      NewFeedback(version.id, 4, 2000), sparse, NewFeedback(version.id, 1, 5000)};
  for (const Feedback& f : feedback) ASSERT_OK(Insert(*store_, f));

  StatusOr<Page<Feedback>> page = ReadValue(*store_, [&](MetadataTx& tx) {
    return tx.ListFeedback(version.id, {.skip = 1, .limit = 3});
  });
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(Fields(page->items[0]), Fields(feedback[2]));
  EXPECT_EQ(Fields(page->items[1]), Fields(feedback[0]));
  EXPECT_EQ(Fields(page->items[2]), Fields(sparse));

  StatusOr<FeedbackSummary> summary = Summarize(*store_, version.id);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->count, 5);
  ASSERT_TRUE(summary->average_rating.has_value());
  EXPECT_DOUBLE_EQ(*summary->average_rating, 3.5);
  EXPECT_EQ(std::vector<std::int64_t>(summary->rating_counts, summary->rating_counts + 5),
            (std::vector<std::int64_t>{1, 0, 0, 2, 1}));

  StatusOr<FeedbackSummary> none = Summarize(*store_, quiet.id);
  ASSERT_OK(none);
  EXPECT_EQ(none->count, 0);
  EXPECT_FALSE(none->average_rating.has_value());
}

TEST_P(MetadataStoreConformanceTest, UnratedFeedbackHasNoAverage) {
  const Model model = NewModel("m");
  const ModelVersion version = NewVersion(model.id, "1");
  ASSERT_OK(Insert(*store_, model));
  ASSERT_OK(Insert(*store_, version));
  ASSERT_OK(Insert(*store_, NewFeedback(version.id, std::nullopt)));
  ASSERT_OK(Insert(*store_, NewFeedback(version.id, std::nullopt)));

  StatusOr<FeedbackSummary> summary = Summarize(*store_, version.id);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->count, 2);
  EXPECT_FALSE(summary->average_rating.has_value());
}

TEST_P(MetadataStoreConformanceTest, FeedbackForMissingVersionIsNotFound) {
  EXPECT_EQ(Insert(*store_, NewFeedback(NewUuid(), 3)).code(), StatusCode::kNotFound);
}

// API keys

TEST_P(MetadataStoreConformanceTest, ApiKeysAreFoundByHashListedCountedAndDeleted) {
  const ApiKey admin = NewKey("admin", Role::kAdmin, 2000);
  const ApiKey viewer = NewKey("viewer", Role::kViewer, 1000);
  ASSERT_OK(Insert(*store_, admin));
  ASSERT_OK(Insert(*store_, viewer));

  ApiKey same_hash = NewKey("copy");
  same_hash.key_hash = admin.key_hash;
  EXPECT_EQ(Insert(*store_, same_hash).code(), StatusCode::kConflict);

  StatusOr<std::optional<ApiKey>> found =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.FindApiKeyByHash(admin.key_hash); });
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(Fields(**found), Fields(admin));
  StatusOr<std::optional<ApiKey>> unknown =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.FindApiKeyByHash("no-such-hash"); });
  ASSERT_OK(unknown);
  EXPECT_FALSE(unknown->has_value());

  StatusOr<Page<ApiKey>> listed =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.ListApiKeys({.skip = 0, .limit = 10}); });
  ASSERT_OK(listed);
  EXPECT_EQ(Ids(listed->items), (std::vector<std::string>{viewer.id, admin.id}));
  EXPECT_EQ(listed->total, 2);

  ASSERT_OK(store_->Write([&](MetadataTx& tx) { return tx.DeleteApiKey(viewer.id); }));
  EXPECT_EQ(store_->Write([&](MetadataTx& tx) { return tx.DeleteApiKey(viewer.id); }).code(),
            StatusCode::kNotFound);
  StatusOr<std::int64_t> count =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.CountApiKeys(); });
  ASSERT_OK(count);
  EXPECT_EQ(*count, 1);
}

}  // namespace
}  // namespace mlops::conformance
