#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_store.h"
#include "artifacts/s3/s3_artifact_store.h"
#include "common/status.h"

namespace mlops {

// Which artifact store backend to open, and where. Independent of the process's Config, which
// cli/serve maps onto it.
struct ArtifactStoreSettings {
  std::string filesystem_root;   // used when s3.endpoint is empty
  S3ArtifactStoreSettings s3{};  // used when s3.endpoint is set
};

// Opens the backend the settings name. INVALID_ARGUMENT if they name none or one that is not
// built in; otherwise whatever the backend's Open() returns.
StatusOr<std::unique_ptr<ArtifactStore>> OpenArtifactStore(const ArtifactStoreSettings& settings);

}  // namespace mlops
