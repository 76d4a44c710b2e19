#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "artifacts/artifact_store.h"
#include "common/status.h"
#include "services/registry_service.h"

namespace mlops {

// A version's artifact, as a download needs it.
struct VersionArtifact {
  std::string version_id;
  std::string bucket;
  std::string key;
  std::string file_name;  // the key's last segment
  std::string sha256;     // lowercase hex
  std::int64_t size_bytes = 0;
};

// Serves the artifacts of registered versions: whole, a byte range, or through
// a presigned URL so that the bytes flow from the store (docs/http-api.md
// "Download"). Thread-safe.
class ArtifactDownloadService {
 public:
  // Both must outlive this service.
  ArtifactDownloadService(RegistryService& registry, ArtifactStore& artifacts)
      : registry_(registry), artifacts_(artifacts) {}

  // NOT_FOUND if there is no such version; INTERNAL if its artifact path names
  // no bucket.
  StatusOr<VersionArtifact> Find(const std::string& version_id);

  // A URL that lets any HTTP client GET the artifact for an hour, without
  // credentials. NOT_IMPLEMENTED if the store cannot presign (the filesystem).
  StatusOr<std::string> PresignedUrl(const VersionArtifact& artifact);

  // Opens bytes [offset, offset + length) of the artifact. INTERNAL if the
  // artifact is missing from the store; otherwise what the store's Open()
  // returns.
  StatusOr<std::unique_ptr<ArtifactReader>> Open(const VersionArtifact& artifact,
                                                 std::int64_t offset, std::int64_t length);

 private:
  RegistryService& registry_;
  ArtifactStore& artifacts_;
};

}  // namespace mlops
