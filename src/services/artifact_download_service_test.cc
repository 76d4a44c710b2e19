// Downloads over SQLite and the filesystem store: what a version's artifact is, its bytes and
// ranges, and the errors the HTTP layer maps.
#include "services/artifact_download_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "artifacts/filesystem_artifact_store.h"
#include "services/object_path.h"
#include "services/upload_service.h"
#include "store/sqlite/sqlite_metadata_store.h"

namespace mlops {
namespace {

class ArtifactDownloadServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mlops-downloads-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store_ = std::move(SqliteMetadataStore::Open(dir_ + "/db").value());
    ASSERT_TRUE(store_->Migrate().ok());
    artifacts_ = std::move(FilesystemArtifactStore::Open(dir_ + "/artifacts").value());
    registry_ = std::make_unique<RegistryService>(*store_);
    downloads_ = std::make_unique<ArtifactDownloadService>(*registry_, *artifacts_);
    const Model model =
        registry_->CreateModel({"m", std::nullopt, "classification", std::nullopt}).value();
    UploadService uploads(*store_, *artifacts_, {"models", 1 << 20, ModelVersionStatus::kStaging});
    NewVersion in;
    in.version_string = "1.0";
    auto upload = uploads.Begin(model.id, in, "weights.onnx", std::nullopt);
    ASSERT_TRUE(upload.ok()) << upload.status().ToString();
    ASSERT_TRUE((*upload)->Write("0123456789").ok());
    version_ = (*upload)->Commit().value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Read(const VersionArtifact& artifact, std::int64_t offset, std::int64_t length) {
    auto reader = downloads_->Open(artifact, offset, length);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return "";
    std::string out;
    for (;;) {
      StatusOr<std::string> chunk = (*reader)->Read(4);
      EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
      if (!chunk.ok() || chunk->empty()) return out;
      out += *chunk;
    }
  }

  std::string dir_;
  std::unique_ptr<SqliteMetadataStore> store_;
  std::unique_ptr<FilesystemArtifactStore> artifacts_;
  std::unique_ptr<RegistryService> registry_;
  std::unique_ptr<ArtifactDownloadService> downloads_;
  ModelVersion version_;
};

TEST_F(ArtifactDownloadServiceTest, FindsTheVersionsArtifact) {
  StatusOr<VersionArtifact> artifact = downloads_->Find(version_.id);
  ASSERT_TRUE(artifact.ok()) << artifact.status().ToString();
  EXPECT_EQ(JoinObjectPath(artifact->bucket, artifact->key), version_.artifact_path);
  EXPECT_EQ(artifact->bucket, "models");
  EXPECT_EQ(artifact->file_name, "weights.onnx");
  EXPECT_EQ(artifact->sha256, version_.artifact_sha256);
  EXPECT_EQ(artifact->size_bytes, 10);
}

TEST_F(ArtifactDownloadServiceTest, UnknownVersionIsNotFound) {
  EXPECT_EQ(downloads_->Find("00000000-0000-4000-8000-000000000000").status().code(),
            StatusCode::kNotFound);
}

TEST_F(ArtifactDownloadServiceTest, OpensTheWholeArtifactOrARange) {
  const VersionArtifact artifact = downloads_->Find(version_.id).value();
  EXPECT_EQ(Read(artifact, 0, 10), "0123456789");
  EXPECT_EQ(Read(artifact, 2, 5), "23456");
}

TEST_F(ArtifactDownloadServiceTest, AnArtifactMissingFromTheStoreIsInternal) {
  const VersionArtifact artifact = downloads_->Find(version_.id).value();
  ASSERT_TRUE(artifacts_->Delete(artifact.bucket, artifact.key).ok());
  const Status s = downloads_->Open(artifact, 0, 10).status();
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("missing from the store"), std::string::npos) << s.ToString();
}

TEST_F(ArtifactDownloadServiceTest, TheFilesystemCannotPresign) {
  const VersionArtifact artifact = downloads_->Find(version_.id).value();
  EXPECT_EQ(downloads_->PresignedUrl(artifact).status().code(), StatusCode::kNotImplemented);
}

}  // namespace
}  // namespace mlops
