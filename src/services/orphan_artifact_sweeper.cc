#include "services/orphan_artifact_sweeper.h"

#include <vector>

#include "common/time.h"
#include "services/model_artifact_key.h"
#include "services/object_path.h"

namespace mlops {

StatusOr<int> OrphanArtifactSweeper::Sweep(std::stop_token stop) {
  const TimestampMs cutoff =
      NowMs() - std::chrono::duration_cast<std::chrono::milliseconds>(settings_.min_age).count();
  // Removed after the listing, which a removal could disturb (the filesystem's directory walk).
  std::vector<std::string> orphans;
  RETURN_IF_ERROR(artifacts_.ListObjects(
      settings_.bucket, std::string(kModelArtifactPrefix), [&](const ListedObject& object) {
        if (stop.stop_requested() || object.modified_at > cutoff) return OkStatus();
        ASSIGN_OR_RETURN(const bool orphan, IsOrphan(object.key));
        if (orphan) orphans.push_back(object.key);
        return OkStatus();
      }));
  int removed = 0;
  for (const std::string& key : orphans) {
    if (stop.stop_requested()) break;
    RETURN_IF_ERROR(artifacts_.Delete(settings_.bucket, key));
    ++removed;
  }
  return removed;
}

StatusOr<bool> OrphanArtifactSweeper::IsOrphan(const std::string& key) {
  const std::optional<ModelArtifactOwner> owner = ParseModelArtifactKey(key);
  if (!owner) return false;
  std::optional<ModelVersion> version;
  RETURN_IF_ERROR(store_.Read([&](MetadataTx& tx) -> Status {
    ASSIGN_OR_RETURN(version, tx.FindVersion(owner->model_id, owner->version_string));
    return OkStatus();
  }));
  // Also the file of a crashed upload whose version was uploaded again under another file name.
  return !version || version->artifact_path != JoinObjectPath(settings_.bucket, key);
}

}  // namespace mlops
