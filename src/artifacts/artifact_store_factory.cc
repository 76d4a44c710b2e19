#include "artifacts/artifact_store_factory.h"

#include <utility>

#include "artifacts/filesystem_artifact_store.h"
#include "artifacts/s3/s3_artifact_store.h"

namespace mlops {

// Every backend is chosen here, so optional ones stay behind a single #if each.
StatusOr<std::unique_ptr<ArtifactStore>> OpenArtifactStore(const ArtifactStoreSettings& settings) {
  if (!settings.s3.endpoint.empty()) {
    ASSIGN_OR_RETURN(auto store, S3ArtifactStore::Open(settings.s3));
    return std::unique_ptr<ArtifactStore>(std::move(store));
  }
  if (settings.filesystem_root.empty()) {
    return InvalidArgument("no artifact store configured: the filesystem root is empty");
  }
  ASSIGN_OR_RETURN(auto store, FilesystemArtifactStore::Open(settings.filesystem_root));
  return std::unique_ptr<ArtifactStore>(std::move(store));
}

}  // namespace mlops
