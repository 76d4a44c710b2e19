#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "artifacts/artifact_store.h"
#include "common/status.h"
#include "store/metadata_store.h"

namespace mlops {

struct HealthSettings {
  std::vector<std::string> local_data_dirs;  // each must keep min_free_disk_bytes free
  std::uint64_t min_free_disk_bytes = 0;
};

// The state of each backend a ready service needs; OK or what is wrong with it.
struct Readiness {
  Status metadata_store;
  Status artifact_store;
  Status disk;

  bool ready() const { return metadata_store.ok() && artifact_store.ok() && disk.ok(); }
};

// Answers whether this process can serve: the metadata store answers, the
// artifact store is reachable and writable, and the local data directories have
// room. Thread-safe.
class HealthService {
 public:
  HealthService(MetadataStore& store, ArtifactStore& artifacts, HealthSettings settings)
      : store_(store), artifacts_(artifacts), settings_(std::move(settings)) {}

  // Checks every backend, each once, however many fail.
  Readiness CheckReadiness();

 private:
  // A full disk makes every write fail; readiness says so before the writes do.
  Status CheckDisk() const;

  MetadataStore& store_;
  ArtifactStore& artifacts_;
  HealthSettings settings_;
};

}  // namespace mlops
