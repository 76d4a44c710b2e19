#include "artifacts/filesystem_artifact_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "artifacts/artifact_store_conformance.h"
#include "artifacts/artifact_store_factory.h"
#include "testing/temp_dir.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using test::TempDir;

void WriteFile(const fs::path& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

class FilesystemHarness : public ArtifactStoreHarness {
 public:
  FilesystemHarness() : root_(dir_.path() / "store") {
    store_ = std::move(FilesystemArtifactStore::Open(root_.string()).value());
  }

  ArtifactStore& store() override { return *store_; }

  // Every non-directory under the root, temporaries included.
  std::vector<std::string> ListEverything() override {
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root_)) {
      if (!entry.is_directory()) files.push_back(fs::relative(entry.path(), root_).string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  void PlantTemporary() override { WriteFile(root_ / ".tmp" / "crashed.part", "partial"); }

  const fs::path& root() const { return root_; }

 private:
  TempDir dir_;
  fs::path root_;
  std::unique_ptr<FilesystemArtifactStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Filesystem, ArtifactStoreConformanceTest,
                         ::testing::Values(ArtifactStoreBackend{
                             "Filesystem", [] { return std::make_unique<FilesystemHarness>(); }}),
                         ArtifactStoreBackend::Name);

// Backend-specific behaviour, seen through the files on disk.
class FilesystemArtifactStoreTest : public ::testing::Test {
 protected:
  Status Put(const std::string& bucket, const std::string& key, std::string_view data) {
    ASSIGN_OR_RETURN(auto writer, harness_.store().BeginWrite(bucket, key, 1 << 20));
    RETURN_IF_ERROR(writer->Write(data));
    RETURN_IF_ERROR(writer->Finish());
    return writer->Publish();
  }
  ArtifactStore& store() { return harness_.store(); }
  const fs::path& root() const { return harness_.root(); }

  FilesystemHarness harness_;
};

TEST_F(FilesystemArtifactStoreTest, OpenCreatesAMissingNestedRoot) {
  TempDir dir;
  const fs::path root = dir.path() / "a" / "b";
  auto store = FilesystemArtifactStore::Open(root.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(fs::is_directory(root / ".tmp"));
  EXPECT_TRUE((*store)->Ping().ok());
}

TEST_F(FilesystemArtifactStoreTest, OpenFailsWhenTheRootIsAFile) {
  TempDir dir;
  WriteFile(dir.path() / "file", "x");
  auto store = FilesystemArtifactStore::Open((dir.path() / "file").string());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
}

TEST_F(FilesystemArtifactStoreTest, ObjectLivesAtRootBucketKey) {
  ASSERT_TRUE(Put("models", "m/1/model.onnx", "onnx").ok());
  EXPECT_THAT(harness_.ListEverything(), ElementsAre("models/m/1/model.onnx"));
  std::ifstream in(root() / "models" / "m" / "1" / "model.onnx");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "onnx");
}

TEST_F(FilesystemArtifactStoreTest, TemporaryDirectoryIsNotABucket) {
  EXPECT_EQ(store().BeginWrite(".tmp", "x", 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Stat(".tmp", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Delete(".tmp", "x").code(), StatusCode::kInvalidArgument);
}

TEST_F(FilesystemArtifactStoreTest, SymlinksAreNotFollowed) {
  TempDir outside;
  WriteFile(outside.path() / "secret", "secret");
  fs::create_directories(root() / "models");
  fs::create_symlink(outside.path() / "secret", root() / "models" / "link");
  EXPECT_EQ(store().Stat("models", "link").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().Open("models", "link", 0, {}).status().code(), StatusCode::kNotFound);
}

TEST_F(FilesystemArtifactStoreTest, DirectoriesAndFifosAreNotObjects) {
  ASSERT_TRUE(Put("models", "m/1/model.onnx", "onnx").ok());
  ASSERT_EQ(::mkfifo((root() / "models" / "fifo").c_str(), 0600), 0);
  for (const char* key : {"m", "m/1", "fifo"}) {
    EXPECT_EQ(store().Stat("models", key).status().code(), StatusCode::kNotFound) << key;
    EXPECT_EQ(store().Open("models", key, 0, {}).status().code(), StatusCode::kNotFound) << key;
  }
  EXPECT_TRUE(store().Delete("models", "m").ok());
  EXPECT_TRUE(store().Stat("models", "m/1/model.onnx").ok());
}

TEST_F(FilesystemArtifactStoreTest, DeleteRemovesEmptyParentsButKeepsTheBucket) {
  ASSERT_TRUE(Put("models", "m/1/a", "a").ok());
  ASSERT_TRUE(Put("models", "m/2/b", "b").ok());
  ASSERT_TRUE(store().Delete("models", "m/1/a").ok());
  EXPECT_FALSE(fs::exists(root() / "models" / "m" / "1"));
  EXPECT_TRUE(fs::exists(root() / "models" / "m" / "2" / "b"));
  ASSERT_TRUE(store().Delete("models", "m/2/b").ok());
  EXPECT_FALSE(fs::exists(root() / "models" / "m"));
  EXPECT_TRUE(fs::is_directory(root() / "models"));
}

TEST_F(FilesystemArtifactStoreTest, KeyRunningIntoAnObjectIsAConflictAndLeavesNoTemporary) {
  ASSERT_TRUE(Put("models", "m", "file").ok());
  EXPECT_EQ(Put("models", "m/1", "under a file").code(), StatusCode::kConflict);
  ASSERT_TRUE(Put("models", "d/1", "x").ok());
  EXPECT_EQ(Put("models", "d", "over a prefix").code(), StatusCode::kConflict);
  EXPECT_THAT(harness_.ListEverything(), ElementsAre("models/d/1", "models/m"));
}

TEST_F(FilesystemArtifactStoreTest, ReaderKeepsTheBytesItOpenedAcrossAReplace) {
  ASSERT_TRUE(Put("models", "k", "old bytes").ok());
  auto reader = store().Open("models", "k", 0, {});
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(Put("models", "k", "new bytes").ok());
  EXPECT_EQ((*reader)->Read(100).value(), "old bytes");
}

TEST(ArtifactStoreFactoryTest, OpensTheFilesystemStoreByDefault) {
  TempDir dir;
  ArtifactStoreSettings settings;
  settings.filesystem_root = (dir.path() / "artifacts").string();
  auto store = OpenArtifactStore(settings);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Ping().ok());
}

TEST(ArtifactStoreFactoryTest, AnS3EndpointSelectsS3) {
  ArtifactStoreSettings settings;
  settings.filesystem_root = "unused";
  settings.s3.endpoint = "ftp://minio";
  auto store = OpenArtifactStore(settings);
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("MINIO_ENDPOINT must use http or https"));
}

TEST(ArtifactStoreFactoryTest, FilesystemStoreDoesNotPresign) {
  TempDir dir;
  auto store = OpenArtifactStore({.filesystem_root = (dir.path() / "artifacts").string()});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->PresignedGetUrl("models", "k", std::chrono::seconds(60)).status().code(),
            StatusCode::kNotImplemented);
}

TEST(ArtifactStoreFactoryTest, NoBackendIsAnInvalidArgument) {
  EXPECT_EQ(OpenArtifactStore({}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mlops
