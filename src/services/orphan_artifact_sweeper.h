#pragma once

#include <chrono>
#include <stop_token>
#include <string>
#include <utility>

#include "artifacts/artifact_store.h"
#include "common/status.h"
#include "store/metadata_store.h"

namespace mlops {

struct OrphanSweepSettings {
  std::string bucket;  // the model bucket
  // Younger objects are kept: another replica may be between publishing one and committing its
  // row. S3 dates an object by the start of its upload, so this must exceed any upload's length.
  std::chrono::seconds min_age{std::chrono::hours(24)};
};

// Removes model artifacts that no version refers to. An upload publishes its object inside the
// transaction that inserts the version (UploadService), so a crash between the publish and the
// COMMIT leaves an object without a row; this is what removes it. Objects outside the
// models/<model id>/<version>/<file> layout are not the service's and are left alone.
class OrphanArtifactSweeper {
 public:
  OrphanArtifactSweeper(MetadataStore& store, ArtifactStore& artifacts,
                        OrphanSweepSettings settings)
      : store_(store), artifacts_(artifacts), settings_(std::move(settings)) {}

  // The number of objects removed. Stops early, without error, once `stop` is requested.
  StatusOr<int> Sweep(std::stop_token stop = {});

 private:
  // True if `key` is the artifact of no version.
  StatusOr<bool> IsOrphan(const std::string& key);

  MetadataStore& store_;
  ArtifactStore& artifacts_;
  const OrphanSweepSettings settings_;
};

}  // namespace mlops
