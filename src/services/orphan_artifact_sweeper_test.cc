// The orphan sweep over SQLite and the filesystem store, with objects planted as a crash between
// an upload's publish and its commit would leave them.
#include "services/orphan_artifact_sweeper.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "artifacts/filesystem_artifact_store.h"
#include "services/model_artifact_key.h"
#include "services/registry_service.h"
#include "services/upload_service.h"
#include "store/sqlite/sqlite_metadata_store.h"
#include "testing/temp_dir.h"

namespace mlops {
namespace {

constexpr char kBucket[] = "models";

class OrphanArtifactSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(SqliteMetadataStore::Open(dir_.File("db")).value());
    ASSERT_TRUE(store_->Migrate().ok());
    artifacts_ = std::move(FilesystemArtifactStore::Open(dir_.File("artifacts")).value());
    model_ = RegistryService(*store_)
                 .CreateModel({"m", std::nullopt, "classification", std::nullopt})
                 .value();
    UploadService uploads(*store_, *artifacts_,
                          UploadSettings{kBucket, 1 << 20, ModelVersionStatus::kStaging}, nullptr);
    NewVersion in;
    in.version_string = "1";
    in.model_format = ModelFormat::kOnnx;
    auto upload = uploads.Begin(model_.id, in, "model.onnx", std::nullopt);
    ASSERT_TRUE(upload.ok()) << upload.status().ToString();
    ASSERT_TRUE((*upload)->Write("graph").ok());
    ASSERT_TRUE((*upload)->Commit().ok());
  }

  void Plant(const std::string& key) {
    auto writer = artifacts_->BeginWrite(kBucket, key, 1 << 20);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write("bytes").ok());
    ASSERT_TRUE((*writer)->Finish().ok());
    ASSERT_TRUE((*writer)->Publish().ok());
  }
  bool Exists(const std::string& key) { return artifacts_->Stat(kBucket, key).ok(); }

  OrphanArtifactSweeper Sweeper(std::chrono::seconds min_age) {
    return OrphanArtifactSweeper(*store_, *artifacts_, {kBucket, min_age});
  }

  test::TempDir dir_{"mlops-orphans"};
  std::unique_ptr<SqliteMetadataStore> store_;
  std::unique_ptr<FilesystemArtifactStore> artifacts_;
  Model model_;
};

TEST_F(OrphanArtifactSweeperTest, RemovesObjectsNoVersionRefersToAndNothingElse) {
  const std::string stored = ModelArtifactKey(model_.id, "1", "model.onnx");
  const std::string no_version = ModelArtifactKey(model_.id, "2", "model.onnx");
  const std::string replaced = ModelArtifactKey(model_.id, "1", "first-try.onnx");
  Plant(no_version);
  Plant(replaced);
  Plant("models/not-the-layout");
  Plant("reports/r.json");

  EXPECT_EQ(Sweeper(std::chrono::seconds(0)).Sweep().value(), 2);
  EXPECT_TRUE(Exists(stored));
  EXPECT_FALSE(Exists(no_version));
  EXPECT_FALSE(Exists(replaced));
  EXPECT_TRUE(Exists("models/not-the-layout"));
  EXPECT_TRUE(Exists("reports/r.json"));
  EXPECT_EQ(Sweeper(std::chrono::seconds(0)).Sweep().value(), 0);
}

TEST_F(OrphanArtifactSweeperTest, KeepsObjectsYoungerThanTheMinimumAge) {
  const std::string orphan = ModelArtifactKey(model_.id, "2", "model.onnx");
  Plant(orphan);
  EXPECT_EQ(Sweeper(std::chrono::hours(1)).Sweep().value(), 0);
  EXPECT_TRUE(Exists(orphan));
}

TEST_F(OrphanArtifactSweeperTest, StopsWhenAskedTo) {
  const std::string orphan = ModelArtifactKey(model_.id, "2", "model.onnx");
  Plant(orphan);
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(Sweeper(std::chrono::seconds(0)).Sweep(stop.get_token()).value(), 0);
  EXPECT_TRUE(Exists(orphan));
}

TEST(ModelArtifactKeyTest, ParsesOnlyItsOwnLayout) {
  const auto owner = ParseModelArtifactKey(ModelArtifactKey("abc", "1.2", "m.onnx"));
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->model_id, "abc");
  EXPECT_EQ(owner->version_string, "1.2");
  for (const char* other :
       {"models/abc/1.2", "models/abc//m.onnx", "models//1/m.onnx", "models/abc/1/",
        "models/abc/1/dir/m.onnx", "reports/abc/1/m.onnx", "models"}) {
    EXPECT_FALSE(ParseModelArtifactKey(other).has_value()) << other;
  }
}

}  // namespace
}  // namespace mlops
