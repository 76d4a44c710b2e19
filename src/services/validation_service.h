#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/artifact_store.h"
#include "common/status.h"
#include "domain/entities.h"
#include "domain/page.h"
#include "services/validation_settings.h"
#include "store/metadata_store.h"

namespace mlops {

// A full validation report, ready to stream.
struct ValidationReport {
  std::unique_ptr<ArtifactReader> reader;
  std::int64_t size_bytes = 0;
};

// Validation runs (docs/http-api.md "Validation"): triggers queue one PENDING result and one job
// per scan type; the jobs are run by ValidationJobRunner on a ValidationWorkerPool. Thread-safe.
//
// Which versions may be (re)validated, and what happens to their status:
// - STAGING and VALIDATION_FAILED move to PENDING_VALIDATION (the user transitions of
//   domain/lifecycle.h: the trigger is the user's request);
// - PENDING_VALIDATION stays so (e.g. uploaded with the upload trigger off);
// - VALIDATED, PRODUCTION and DEPRECATED are CONFLICT: the lifecycle has no way back to
//   PENDING_VALIDATION from them, and a run whose outcome could not move the status would pass
//   off a stale VALIDATED as re-checked;
// - ARCHIVED is CONFLICT: it is final.
// When the last job of a run finishes, a version still in PENDING_VALIDATION moves to VALIDATED or
// VALIDATION_FAILED (domain/validation_decision.h) in that job's transaction.
class ValidationService {
 public:
  ValidationService(MetadataStore& store, ArtifactStore& artifacts, ValidationSettings settings)
      : store_(store), artifacts_(artifacts), settings_(std::move(settings)) {}

  // Queues a run of `scan_types` (nullopt: the default pipeline; duplicates are dropped) and
  // returns its PENDING results in pipeline order. NOT_FOUND if there is no such version;
  // INVALID_ARGUMENT for an empty list; CONFLICT for a version in a status that cannot be
  // validated (see the class comment) or with a run still in progress.
  StatusOr<std::vector<ValidationResult>> Trigger(const std::string& version_id,
                                                  std::optional<std::vector<ScanType>> scan_types,
                                                  const std::optional<std::string>& user_id);

  // Inside an upload's transaction: queues the default pipeline for `version` if the upload
  // trigger is on and the version starts in PENDING_VALIDATION (a STAGING version waits for an
  // explicit trigger). Call NotifyQueued() once the transaction committed.
  Status QueueOnUpload(MetadataTx& tx, const ModelVersion& version);

  // Inside the transaction of a status change that moved `version` to PENDING_VALIDATION: queues
  // the default pipeline on behalf of `user_id`, whatever the upload trigger's setting (the move
  // is the user's request for a run; without one the version would wait forever). Call
  // NotifyQueued() once the transaction committed. CONFLICT if a run is still in progress.
  Status QueueOnStatusChange(MetadataTx& tx, const ModelVersion& version,
                             const std::optional<std::string>& user_id);

  // NOT_FOUND if there is no such result.
  StatusOr<ValidationResult> GetResult(const std::string& result_id);
  // NOT_FOUND if there is no such version.
  StatusOr<Page<ValidationResult>> ListResults(const std::string& version_id, PageRequest page);
  // The full JSON report of a finished result. NOT_FOUND if there is no such result or its report
  // is not written yet (the result is not finished).
  StatusOr<ValidationReport> OpenReport(const std::string& result_id);

  // Called after jobs were queued (the worker pool wakes its idle workers). Set once at start-up.
  void SetQueuedListener(std::function<void()> listener);
  void NotifyQueued();

  const ValidationSettings& settings() const { return settings_; }

 private:
  StatusOr<std::vector<ValidationResult>> Queue(MetadataTx& tx, const std::string& version_id,
                                                const std::vector<ScanType>& scan_types,
                                                const std::optional<std::string>& user_id);

  MetadataStore& store_;
  ArtifactStore& artifacts_;
  const ValidationSettings settings_;
  std::mutex listener_mutex_;
  std::function<void()> queued_listener_;
};

}  // namespace mlops
