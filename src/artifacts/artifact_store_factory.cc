#include "artifacts/artifact_store_factory.h"

#include <utility>

#include "artifacts/filesystem_artifact_store.h"

namespace mlops {

// Every backend is chosen here, so optional ones stay behind a single #if each.
StatusOr<std::unique_ptr<ArtifactStore>> OpenArtifactStore(const ArtifactStoreSettings& settings) {
  if (!settings.s3_endpoint.empty()) {
    return InvalidArgument("S3 support is not built in yet");
  }
  if (settings.filesystem_root.empty()) {
    return InvalidArgument("no artifact store configured: the filesystem root is empty");
  }
  ASSIGN_OR_RETURN(auto store, FilesystemArtifactStore::Open(settings.filesystem_root));
  return std::unique_ptr<ArtifactStore>(std::move(store));
}

}  // namespace mlops
