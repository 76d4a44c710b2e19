// The fault-injecting stores themselves: what they count, what they fail, and that a failed call
// or commit leaves the real store untouched.
#include "testing/fault_injector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/uuid.h"
#include "testing/test_stores.h"

namespace mlops::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Model NewModelRow(const std::string& name) {
  Model model;
  model.id = NewUuid();
  model.name = name;
  model.task_type = "classification";
  return model;
}

std::int64_t ModelCount(MetadataStore& store) {
  auto page = ReadValue(store, [](MetadataTx& tx) { return tx.ListModels({}, {}); });
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? page->total : -1;
}

TEST(FaultInjectorTest, FailsTheNthCallOnceAndCountsEveryCall) {
  FaultInjector faults;
  faults.FailNth(2, Conflict("second"));
  EXPECT_TRUE(faults.Hit(StoreCall::kTxQuery).ok());
  EXPECT_FALSE(faults.fired());
  EXPECT_EQ(faults.Hit(StoreCall::kPublish).code(), StatusCode::kConflict);
  EXPECT_TRUE(faults.fired());
  EXPECT_TRUE(faults.Hit(StoreCall::kPublish).ok());
  EXPECT_EQ(faults.calls(), 3);
  EXPECT_EQ(faults.calls(StoreCall::kPublish), 2);
  EXPECT_THAT(faults.fired_calls(), ElementsAre(StoreCall::kPublish));
}

TEST(FaultInjectorTest, CountsFromWhenTheFaultIsPlanned) {
  FaultInjector faults;
  EXPECT_TRUE(faults.Hit(StoreCall::kCommit).ok());
  faults.FailNth(1, InjectedFault(), StoreCall::kCommit);
  EXPECT_FALSE(faults.Hit(StoreCall::kCommit).ok());
  EXPECT_EQ(faults.calls(StoreCall::kCommit), 2);
}

TEST(FaultInjectorTest, CountsOnlyTheChosenKindWhenOneIsGiven) {
  FaultInjector faults;
  faults.FailNth(2, InjectedFault(), StoreCall::kCommit);
  EXPECT_TRUE(faults.Hit(StoreCall::kCommit).ok());
  EXPECT_TRUE(faults.Hit(StoreCall::kTxMutation).ok());
  EXPECT_TRUE(faults.Hit(StoreCall::kTxMutation).ok());
  EXPECT_FALSE(faults.Hit(StoreCall::kCommit).ok());
  faults.Reset();
  EXPECT_FALSE(faults.fired());
  EXPECT_EQ(faults.calls(), 0);
  EXPECT_THAT(faults.fired_calls(), IsEmpty());
}

TEST(FaultInjectorTest, ForEachInjectedFaultEndsWithOneAttemptWithoutFault) {
  FaultInjector faults;
  std::vector<bool> fired;
  const int faulted = ForEachInjectedFault(faults, [&](int) {
    Status a = faults.Hit(StoreCall::kStat);
    Status b = faults.Hit(StoreCall::kDelete);
    fired.push_back(faults.fired());
    EXPECT_EQ(a.ok() && b.ok(), !faults.fired());
  });
  EXPECT_EQ(faulted, 2);
  EXPECT_THAT(fired, ElementsAre(true, true, false));
}

TEST(FaultyMetadataStoreTest, AFailedCommitRollsBackTheTransaction) {
  TestStores stores("mlops-faulty-metadata");
  stores.faults().FailNth(1, InjectedFault(), StoreCall::kCommit);
  Status s = stores.metadata().Write(
      [](MetadataTx& tx) { return tx.InsertModel(NewModelRow("rolled-back")); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(stores.faults().fired());
  EXPECT_EQ(ModelCount(stores.real_metadata()), 0);

  ASSERT_TRUE(stores.metadata()
                  .Write([](MetadataTx& tx) { return tx.InsertModel(NewModelRow("kept")); })
                  .ok());
  EXPECT_EQ(ModelCount(stores.real_metadata()), 1);
  // Counted: the transaction, its insert and its commit, each time.
  EXPECT_EQ(stores.faults().calls(StoreCall::kWriteTx), 2);
  EXPECT_EQ(stores.faults().calls(StoreCall::kTxMutation), 2);
  EXPECT_EQ(stores.faults().calls(StoreCall::kCommit), 2);
}

TEST(FaultyMetadataStoreTest, ALostCommitReplyFailsATransactionThatWasApplied) {
  TestStores stores("mlops-faulty-metadata");
  stores.faults().FailNth(1, InjectedFault(), StoreCall::kCommitReply);
  Status s = stores.metadata().Write(
      [](MetadataTx& tx) { return tx.InsertModel(NewModelRow("applied")); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(ModelCount(stores.real_metadata()), 1);
  // Not one of "any" calls: the transaction, the insert and the commit were.
  EXPECT_EQ(stores.faults().calls(), 3);
  EXPECT_EQ(stores.faults().calls(StoreCall::kCommitReply), 1);
}

TEST(FaultyMetadataStoreTest, AFailedMutationNeverReachesTheRealStore) {
  TestStores stores("mlops-faulty-metadata");
  stores.faults().FailNth(2, InjectedFault(), StoreCall::kTxMutation);
  // The callback ignores the failed insert and commits: only the first row may exist.
  Status s = stores.metadata().Write([](MetadataTx& tx) {
    EXPECT_TRUE(tx.InsertModel(NewModelRow("first")).ok());
    EXPECT_FALSE(tx.InsertModel(NewModelRow("second")).ok());
    return OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto page =
      ReadValue(stores.real_metadata(), [](MetadataTx& tx) { return tx.ListModels({}, {}); });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].name, "first");
}

TEST(FaultyArtifactStoreTest, AFailedPublishLeavesNothingOnceTheWriterIsGone) {
  TestStores stores("mlops-faulty-artifacts");
  stores.faults().FailNth(1, InjectedFault(), StoreCall::kPublish);
  {
    auto writer = stores.artifacts().BeginWrite("bucket", "a/b", 1024);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write("bytes").ok());
    auto info = (*writer)->Finish();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->size_bytes, 5);
    EXPECT_EQ((*writer)->Publish().code(), StatusCode::kUnavailable);
    EXPECT_EQ(stores.real_artifacts().Stat("bucket", "a/b").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(stores.ArtifactFiles().size(), 1u);  // the temporary, until the writer goes
  }
  EXPECT_THAT(stores.ArtifactFiles(), IsEmpty());
  EXPECT_EQ(stores.faults().calls(StoreCall::kWriteChunk), 1);
  EXPECT_EQ(stores.faults().calls(StoreCall::kFinish), 1);
}

}  // namespace
}  // namespace mlops::test
