#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_store.h"
#include "common/status.h"

namespace mlops {

// Which artifact store backend to open, and where.
struct ArtifactStoreSettings {
  std::string filesystem_root;  // used when s3_endpoint is empty
  std::string s3_endpoint;      // empty: the filesystem backend
};

// Opens the backend the settings name. INVALID_ARGUMENT if they name none or one that is not
// built in; otherwise whatever the backend's Open() returns.
StatusOr<std::unique_ptr<ArtifactStore>> OpenArtifactStore(const ArtifactStoreSettings& settings);

}  // namespace mlops
