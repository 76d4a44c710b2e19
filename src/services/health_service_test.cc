#include "services/health_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <limits>

#include "artifacts/filesystem_artifact_store.h"
#include "store/sqlite/sqlite_metadata_store.h"

namespace mlops {
namespace {

class HealthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "mlops-health-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store_ = std::move(SqliteMetadataStore::Open(dir_ + "/db").value());
    artifacts_ = std::move(FilesystemArtifactStore::Open(dir_ + "/artifacts").value());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  std::unique_ptr<SqliteMetadataStore> store_;
  std::unique_ptr<FilesystemArtifactStore> artifacts_;
};

TEST_F(HealthServiceTest, ReadyWhenEveryCheckPasses) {
  HealthService health(*store_, *artifacts_, {{dir_}, 1});
  const Readiness r = health.CheckReadiness();
  EXPECT_TRUE(r.metadata_store.ok()) << r.metadata_store.ToString();
  EXPECT_TRUE(r.artifact_store.ok()) << r.artifact_store.ToString();
  EXPECT_TRUE(r.disk.ok()) << r.disk.ToString();
  EXPECT_TRUE(r.ready());
}

TEST_F(HealthServiceTest, TooLittleFreeDiskIsNotReadyAndTheStoresAreStillChecked) {
  HealthService health(*store_, *artifacts_,
                       {{dir_}, std::numeric_limits<std::uint64_t>::max() / 2});
  const Readiness r = health.CheckReadiness();
  EXPECT_FALSE(r.disk.ok());
  EXPECT_TRUE(r.metadata_store.ok()) << r.metadata_store.ToString();
  EXPECT_TRUE(r.artifact_store.ok()) << r.artifact_store.ToString();
  EXPECT_FALSE(r.ready());
}

}  // namespace
}  // namespace mlops
