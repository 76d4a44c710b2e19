#include "services/health_service.h"

#include "common/disk_space.h"

namespace mlops {

Readiness HealthService::CheckReadiness() {
  Readiness r;
  r.metadata_store = store_.Ping();
  r.artifact_store = artifacts_.Ping();
  r.disk = CheckDisk();
  return r;
}

Status HealthService::CheckDisk() const {
  for (const std::string& dir : settings_.local_data_dirs) {
    RETURN_IF_ERROR(CheckFreeDiskSpace(dir, settings_.min_free_disk_bytes));
  }
  return OkStatus();
}

}  // namespace mlops
