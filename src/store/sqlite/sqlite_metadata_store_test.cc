#include "store/sqlite/sqlite_metadata_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/uuid.h"
#include "store/metadata_store_conformance.h"
#include "store/sqlite/sqlite_connection.h"

namespace mlops {
namespace {

std::string DatabasePath(const std::string& location) { return location + "/metadata.db"; }

StatusOr<std::unique_ptr<MetadataStore>> OpenSqlite(const std::string& location) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteMetadataStore> store,
                   SqliteMetadataStore::Open(DatabasePath(location)));
  return std::unique_ptr<MetadataStore>(std::move(store));
}

MetadataStoreBackend SqliteBackend() {
  return {.name = "Sqlite",
          .open = OpenSqlite,
          .latest_schema_version = sqlite::Migrations().back().version};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataStoreConformanceTest, ::testing::Values(SqliteBackend()),
                         BackendName);

TEST(SqliteMigrationsTest, AreNumberedFromOneWithoutGaps) {
  const std::vector<Migration>& migrations = sqlite::Migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1) << migrations[i].name;
    EXPECT_FALSE(migrations[i].sql.empty()) << migrations[i].name;
  }
}

// Checks with raw SQL what the port cannot express: the SQLite file itself.
class SqliteMetadataStoreTest : public MetadataStoreConformanceTest {
 protected:
  // A connection beside the store's, for arranging rows the port cannot write.
  std::unique_ptr<SqliteConnection> RawConnection() {
    StatusOr<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::Open(DatabasePath(location_), {});
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    return connection.ok() ? std::move(connection).value() : nullptr;
  }

  std::string InsertModelAndVersion() {
    const std::string model_id = NewUuid();
    std::string version_id = NewUuid();
    EXPECT_TRUE(store_
                    ->Write([&](MetadataTx& tx) -> Status {
                      Model model;
                      model.id = model_id;
                      model.name = "m";
                      model.task_type = "t";
                      RETURN_IF_ERROR(tx.InsertModel(model));
                      ModelVersion version;
                      version.id = version_id;
                      version.model_id = model_id;
                      version.version_string = "1";
                      return tx.InsertVersion(version);
                    })
                    .ok());
    return version_id;
  }
};

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteMetadataStoreTest, ::testing::Values(SqliteBackend()),
                         BackendName);

TEST_P(SqliteMetadataStoreTest, OpenInMissingDirectoryIsUnavailable) {
  StatusOr<std::unique_ptr<SqliteMetadataStore>> store =
      SqliteMetadataStore::Open(location_ + "/no/such/dir/metadata.db");
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
}

TEST_P(SqliteMetadataStoreTest, UsesWriteAheadLog) {
  ASSERT_TRUE(std::filesystem::exists(DatabasePath(location_) + "-wal"));
}

TEST_P(SqliteMetadataStoreTest, CountsOnlyActiveDeployments) {
  const std::string version_id = InsertModelAndVersion();
  std::unique_ptr<SqliteConnection> raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  for (DeploymentStatus status : AllValues<DeploymentStatus>()) {
    ASSERT_TRUE(raw->Execute("INSERT INTO aimodeldeployments (id, model_version_id, environment, "
                             "status, deployed_at, updated_at) VALUES (?, ?, 'staging', ?, 1, 1)",
                             NewUuid(), version_id, ToString(status))
                    .ok());
  }
  StatusOr<std::int64_t> count = -1;
  ASSERT_TRUE(store_
                  ->Read([&](MetadataTx& tx) {
                    count = tx.CountActiveDeployments(version_id);
                    return count.status();
                  })
                  .ok());
  // All but DELETED, FAILED and ROLLED_BACK.
  EXPECT_EQ(*count, static_cast<std::int64_t>(AllValues<DeploymentStatus>().size()) - 3);
}

TEST_P(SqliteMetadataStoreTest, UnknownStoredEnumValueIsInternal) {
  const std::string version_id = InsertModelAndVersion();
  std::unique_ptr<SqliteConnection> raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->ExecScript("PRAGMA ignore_check_constraints = ON; "
                              "UPDATE aimodelversions SET status = 'RETIRED'")
                  .ok());
  const Status status =
      store_->Read([&](MetadataTx& tx) { return tx.GetVersion(version_id).status(); });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("RETIRED"), std::string::npos) << status.message();
}

TEST_P(SqliteMetadataStoreTest, WriteWaitingBeyondBusyTimeoutIsUnavailable) {
  StatusOr<std::unique_ptr<SqliteMetadataStore>> impatient = SqliteMetadataStore::Open(
      DatabasePath(location_), {.busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(impatient.ok()) << impatient.status().ToString();
  std::unique_ptr<SqliteConnection> raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->ExecScript("BEGIN IMMEDIATE").ok());

  const Status status = (*impatient)->Write([](MetadataTx& tx) { return OkStatus(); });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  ASSERT_TRUE(raw->ExecScript("ROLLBACK").ok());
  EXPECT_TRUE((*impatient)->Write([](MetadataTx& tx) { return OkStatus(); }).ok());
}

// Commits never checkpoint (wal_autocheckpoint=0); the background checkpointer moves the WAL's
// pages into the database file on its own.
TEST_P(SqliteMetadataStoreTest, CheckpointsTheLogInTheBackground) {
  const std::string path = location_ + "/checkpointed.db";
  StatusOr<std::unique_ptr<SqliteMetadataStore>> store =
      SqliteMetadataStore::Open(path, {.checkpoint_interval = std::chrono::milliseconds(20)});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Migrate().ok());
  const auto size_before = std::filesystem::file_size(path);
  for (int i = 0; i < 200; ++i) {
    Model model{NewUuid(), "model-" + std::to_string(i), std::string(500, 'd'), "t", {}, i, i};
    ASSERT_TRUE((*store)->Write([&](MetadataTx& tx) { return tx.InsertModel(model); }).ok());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::filesystem::file_size(path) < size_before + 100 * 1024 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(std::filesystem::file_size(path), size_before + 100 * 1024);
}

}  // namespace
}  // namespace mlops
