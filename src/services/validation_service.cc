#include "services/validation_service.h"

#include <algorithm>

#include "common/time.h"
#include "common/uuid.h"
#include "domain/lifecycle.h"
#include "services/object_path.h"

namespace mlops {
namespace {

using S = ModelVersionStatus;

std::vector<ScanType> WithoutDuplicates(const std::vector<ScanType>& types) {
  std::vector<ScanType> out;
  for (ScanType type : types) {
    if (std::find(out.begin(), out.end(), type) == out.end()) out.push_back(type);
  }
  return out;
}

// Brings a version to PENDING_VALIDATION for a new run, or says why it cannot be validated.
Status PrepareForRun(MetadataTx& tx, const ModelVersion& version, TimestampMs now) {
  switch (version.status) {
    case S::kPendingValidation:
      return OkStatus();
    case S::kStaging:
    case S::kValidationFailed:
      RETURN_IF_ERROR(
          CheckTransition(version.status, S::kPendingValidation, TransitionActor::kUser));
      return tx.SetVersionStatus(version.id, S::kPendingValidation, now);
    case S::kArchived:
      return Conflict("version " + version.id +
                      " is ARCHIVED: archived versions are final and are "
                      "not validated");
    case S::kValidated:
    case S::kProduction:
    case S::kDeprecated:
      break;
  }
  return Conflict("version " + version.id + " is " + std::string(ToString(version.status)) +
                  ": it passed validation already, and its status has no way back to "
                  "PENDING_VALIDATION");
}

Status RunInProgress(const std::vector<ValidationJob>& open) {
  return Conflict("a validation run of this version is in progress (trigger " +
                  open.front().trigger_id + ", " + std::to_string(open.size()) +
                  " scans to go); trigger again once it has finished");
}

}  // namespace

StatusOr<std::vector<ValidationResult>> ValidationService::Trigger(
    const std::string& version_id, std::optional<std::vector<ScanType>> scan_types,
    const std::optional<std::string>& user_id) {
  if (scan_types && scan_types->empty()) {
    return InvalidArgument(
        "scan_types must name at least one scan type (leave it out for the default pipeline)");
  }
  const std::vector<ScanType> types =
      WithoutDuplicates(scan_types ? *scan_types : settings_.default_pipeline);
  ASSIGN_OR_RETURN(
      std::vector<ValidationResult> results,
      WriteValue(store_, [&](MetadataTx& tx) -> StatusOr<std::vector<ValidationResult>> {
        ASSIGN_OR_RETURN(const ModelVersion version, tx.GetVersion(version_id));
        ASSIGN_OR_RETURN(const std::vector<ValidationJob> open,
                         tx.ListOpenValidationJobs(version_id));
        if (version.status != S::kArchived && !open.empty()) return RunInProgress(open);
        RETURN_IF_ERROR(PrepareForRun(tx, version, NowMs()));
        return Queue(tx, version_id, types, user_id);
      }));
  NotifyQueued();
  return results;
}

Status ValidationService::QueueOnUpload(MetadataTx& tx, const ModelVersion& version) {
  if (!settings_.trigger_on_upload || version.status != S::kPendingValidation) return OkStatus();
  return Queue(tx, version.id, WithoutDuplicates(settings_.default_pipeline),
               version.created_by_user_id)
      .status();
}

Status ValidationService::QueueOnStatusChange(MetadataTx& tx, const ModelVersion& version,
                                              const std::optional<std::string>& user_id) {
  ASSIGN_OR_RETURN(const std::vector<ValidationJob> open, tx.ListOpenValidationJobs(version.id));
  if (!open.empty()) return RunInProgress(open);
  return Queue(tx, version.id, WithoutDuplicates(settings_.default_pipeline), user_id).status();
}

// The results are created a millisecond apart, so that they list, and are claimed, in pipeline
// order.
StatusOr<std::vector<ValidationResult>> ValidationService::Queue(
    MetadataTx& tx, const std::string& version_id, const std::vector<ScanType>& scan_types,
    const std::optional<std::string>& user_id) {
  const std::string trigger_id = NewUuid();
  const TimestampMs now = NowMs();
  std::vector<ValidationResult> results;
  for (ScanType type : scan_types) {
    const TimestampMs created_at = now + static_cast<TimestampMs>(results.size());
    ValidationResult result;
    result.id = NewUuid();
    result.model_version_id = version_id;
    result.trigger_id = trigger_id;
    result.scan_type = type;
    result.status = ValidationStatus::kPending;
    result.validated_at = result.created_at = created_at;
    result.validated_by_user_id = user_id;
    RETURN_IF_ERROR(tx.InsertValidationResult(result));
    ValidationJob job;
    job.result_id = result.id;
    job.trigger_id = trigger_id;
    job.model_version_id = version_id;
    job.scan_type = type;
    job.state = ValidationJobState::kQueued;
    job.created_at = job.updated_at = created_at;
    RETURN_IF_ERROR(tx.EnqueueValidationJob(job));
    results.push_back(std::move(result));
  }
  return results;
}

StatusOr<ValidationResult> ValidationService::GetResult(const std::string& result_id) {
  return ReadValue(store_, [&](MetadataTx& tx) { return tx.GetValidationResult(result_id); });
}

StatusOr<Page<ValidationResult>> ValidationService::ListResults(const std::string& version_id,
                                                                PageRequest page) {
  return ReadValue(store_, [&](MetadataTx& tx) -> StatusOr<Page<ValidationResult>> {
    RETURN_IF_ERROR(tx.GetVersion(version_id));
    return tx.ListValidationResults(version_id, page);
  });
}

StatusOr<ValidationReport> ValidationService::OpenReport(const std::string& result_id) {
  ASSIGN_OR_RETURN(const ValidationResult result, GetResult(result_id));
  if (!result.details_path) {
    return NotFound("validation result " + result_id + " has no report yet (it is " +
                    std::string(ToString(result.status)) + ")");
  }
  const std::optional<ObjectPath> path = SplitObjectPath(*result.details_path);
  if (!path) return Internal("validation result " + result_id + " has a malformed details_path");
  StatusOr<ArtifactInfo> info = artifacts_.Stat(path->bucket, path->key);
  if (info.status().code() == StatusCode::kNotFound) {
    return Internal("the report of validation result " + result_id + " is missing from the store");
  }
  RETURN_IF_ERROR(info.status());
  ASSIGN_OR_RETURN(auto reader, artifacts_.Open(path->bucket, path->key, 0, std::nullopt));
  return ValidationReport{std::move(reader), info->size_bytes};
}

void ValidationService::SetQueuedListener(std::function<void()> listener) {
  std::lock_guard lock(listener_mutex_);
  queued_listener_ = std::move(listener);
}

void ValidationService::NotifyQueued() {
  std::lock_guard lock(listener_mutex_);
  if (queued_listener_) queued_listener_();
}

}  // namespace mlops
