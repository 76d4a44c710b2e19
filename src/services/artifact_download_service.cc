#include "services/artifact_download_service.h"

#include <chrono>

#include "services/object_path.h"

namespace mlops {
namespace {

// Long enough for a slow client to start a large download, short enough that a
// leaked URL soon stops working.
constexpr std::chrono::seconds kPresignedUrlExpiry{3600};

}  // namespace

StatusOr<VersionArtifact> ArtifactDownloadService::Find(const std::string& version_id) {
  ASSIGN_OR_RETURN(ModelVersion version, registry_.GetVersion(version_id));
  std::optional<ObjectPath> path = SplitObjectPath(version.artifact_path);
  if (!path) return Internal("artifact path without bucket: " + version_id);
  VersionArtifact artifact;
  artifact.version_id = version_id;
  artifact.bucket = std::move(path->bucket);
  artifact.key = std::move(path->key);
  artifact.file_name = artifact.key.substr(artifact.key.rfind('/') + 1);
  artifact.sha256 = std::move(version.artifact_sha256);
  artifact.size_bytes = version.artifact_size_bytes;
  return artifact;
}

StatusOr<std::string> ArtifactDownloadService::PresignedUrl(const VersionArtifact& artifact) {
  return artifacts_.PresignedGetUrl(artifact.bucket, artifact.key, kPresignedUrlExpiry);
}

StatusOr<std::unique_ptr<ArtifactReader>> ArtifactDownloadService::Open(
    const VersionArtifact& artifact, std::int64_t offset, std::int64_t length) {
  StatusOr<std::unique_ptr<ArtifactReader>> reader =
      artifacts_.Open(artifact.bucket, artifact.key, offset, length);
  if (!reader.ok() && reader.status().code() == StatusCode::kNotFound) {
    return Internal("artifact of version " + artifact.version_id + " is missing from the store");
  }
  return reader;
}

}  // namespace mlops
