// The behaviour every MetadataStore backend must show: the fixture, schema and transactions. The
// suite continues in metadata_store_conformance_{registry,feedback}_test.cc. Backends instantiate
// it in their own test files (see metadata_store_conformance.h).
#include "store/metadata_store_conformance.h"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace mlops {

std::string BackendName(const ::testing::TestParamInfo<MetadataStoreBackend>& info) {
  return info.param.name;
}

void MetadataStoreConformanceTest::SetUp() {
  if (!GetParam().unavailable.empty()) {
    const char* require = getenv("MLOPS_REQUIRE_BACKENDS");
    if (require != nullptr && std::string_view(require) == "1") {
      FAIL() << GetParam().unavailable << " (MLOPS_REQUIRE_BACKENDS=1)";
    }
    GTEST_SKIP() << GetParam().unavailable;
  }
  location_ = NewLocation();
  store_ = Open(location_);
  ASSERT_NE(store_, nullptr);
  ASSERT_OK(store_->Migrate());
}

void MetadataStoreConformanceTest::TearDown() {
  store_.reset();
  for (const std::string& location : locations_) {
    if (GetParam().remove) GetParam().remove(location);
    std::filesystem::remove_all(location);
  }
}

std::string MetadataStoreConformanceTest::NewLocation() {
  std::string pattern = ::testing::TempDir() + "/metadata_store_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
    return pattern;
  }
  locations_.push_back(pattern);
  return pattern;
}

std::unique_ptr<MetadataStore> MetadataStoreConformanceTest::Open(const std::string& location) {
  StatusOr<std::unique_ptr<MetadataStore>> store = GetParam().open(location);
  if (!store.ok()) {
    ADD_FAILURE() << "opening the store failed: " << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

namespace conformance {
namespace {

// Schema and migrations

TEST_P(MetadataStoreConformanceTest, MigrateIsIdempotentAndRecordsTheSchemaVersion) {
  std::unique_ptr<MetadataStore> fresh = Open(NewLocation());
  ASSERT_NE(fresh, nullptr);
  EXPECT_OK(fresh->Ping());
  StatusOr<int> before = fresh->SchemaVersion();
  ASSERT_OK(before);
  EXPECT_EQ(*before, 0);

  ASSERT_OK(fresh->Migrate());
  ASSERT_OK(fresh->Migrate());
  StatusOr<int> after = fresh->SchemaVersion();
  ASSERT_OK(after);
  EXPECT_EQ(*after, GetParam().latest_schema_version);
  EXPECT_OK(Insert(*fresh, NewModel("after-migrate")));
}

TEST_P(MetadataStoreConformanceTest, StoresStartingTogetherBothMigrate) {
  const std::string location = NewLocation();
  std::unique_ptr<MetadataStore> first = Open(location);
  std::unique_ptr<MetadataStore> second = Open(location);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  Status first_status;
  Status second_status;
  std::thread a([&] { first_status = first->Migrate(); });
  std::thread b([&] { second_status = second->Migrate(); });
  a.join();
  b.join();
  EXPECT_OK(first_status);
  EXPECT_OK(second_status);
  StatusOr<int> version = second->SchemaVersion();
  ASSERT_OK(version);
  EXPECT_EQ(*version, GetParam().latest_schema_version);
}

// Transactions

TEST_P(MetadataStoreConformanceTest, FailedWriteLeavesNothing) {
  const Model model = NewModel("doomed");
  const Status status = store_->Write([&](MetadataTx& tx) {
    RETURN_IF_ERROR(tx.InsertModel(model));
    return Conflict("changed my mind");
  });
  EXPECT_EQ(status.ToString(), "CONFLICT: changed my mind");
  EXPECT_EQ(GetModel(*store_, model.id).status().code(), StatusCode::kNotFound);
  EXPECT_OK(Insert(*store_, NewModel("doomed")));
}

TEST_P(MetadataStoreConformanceTest, ExceptionInWriteIsInternalAndLeavesNothing) {
  const Model model = NewModel("thrown");
  const Status status = store_->Write([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertModel(model));
    throw std::runtime_error("bug");
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(GetModel(*store_, model.id).status().code(), StatusCode::kNotFound);
}

TEST_P(MetadataStoreConformanceTest, ReadRejectsWrites) {
  const Model model = NewModel("sneaky");
  EXPECT_FALSE(store_->Read([&](MetadataTx& tx) { return tx.InsertModel(model); }).ok());
  EXPECT_EQ(GetModel(*store_, model.id).status().code(), StatusCode::kNotFound);
  EXPECT_OK(Insert(*store_, model));
}

TEST_P(MetadataStoreConformanceTest, DataSurvivesReopening) {
  const Model model = NewModel("durable");
  ASSERT_OK(Insert(*store_, model));
  store_.reset();

  store_ = Open(location_);
  ASSERT_NE(store_, nullptr);
  ASSERT_OK(store_->Migrate());
  StatusOr<Model> got = GetModel(*store_, model.id);
  ASSERT_OK(got);
  EXPECT_EQ(Fields(*got), Fields(model));
}

TEST_P(MetadataStoreConformanceTest, ConcurrentInsertsOfOneNameHaveOneWinner) {
  std::unique_ptr<MetadataStore> second = Open(location_);
  ASSERT_NE(second, nullptr);
  constexpr int kThreads = 16;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    MetadataStore& store = i % 2 == 0 ? *store_ : *second;
    threads.emplace_back([&, i] { results[i] = Insert(store, NewModel("contested")); });
  }
  for (std::thread& thread : threads) thread.join();

  int ok = 0;
  int conflict = 0;
  for (const Status& status : results) {
    if (status.ok()) ++ok;
    if (status.code() == StatusCode::kConflict) ++conflict;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflict, kThreads - 1);
}

TEST_P(MetadataStoreConformanceTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  Model counter = NewModel("counter");
  counter.description = "0";
  ASSERT_OK(Insert(*store_, counter));
  std::unique_ptr<MetadataStore> second = Open(location_);
  ASSERT_NE(second, nullptr);

  constexpr int kThreads = 8;
  constexpr int kIncrements = 20;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    MetadataStore& store = i % 2 == 0 ? *store_ : *second;
    threads.emplace_back([&] {
      for (int n = 0; n < kIncrements; ++n) {
        const Status status = store.Write([&](MetadataTx& tx) -> Status {
          ASSIGN_OR_RETURN(Model model, tx.GetModel(counter.id));
          model.description = std::to_string(std::stoi(model.description.value()) + 1);
          return tx.UpdateModel(model);
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures, 0);
  StatusOr<Model> got = GetModel(*store_, counter.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->description, std::to_string(kThreads * kIncrements));
}

}  // namespace
}  // namespace conformance
}  // namespace mlops
