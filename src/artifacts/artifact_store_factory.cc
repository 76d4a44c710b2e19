#include "artifacts/artifact_store_factory.h"

#include <utility>

#include "artifacts/filesystem_artifact_store.h"
#include "artifacts/s3/s3_artifact_store.h"

namespace mlops {

ArtifactStoreSettings ArtifactStoreSettings::FromConfig(const Config& config) {
  ArtifactStoreSettings settings;
  settings.filesystem_root = config.data_dir + "/artifacts";
  settings.s3.endpoint = config.s3_endpoint;
  settings.s3.secure = config.s3_secure;
  settings.s3.credentials = {config.s3_access_key, config.s3_secret_key, config.s3_region};
  settings.s3.part_bytes = static_cast<std::size_t>(config.s3_part_size_bytes);
  settings.s3.buckets = {config.model_bucket, config.reports_bucket};
  return settings;
}

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
