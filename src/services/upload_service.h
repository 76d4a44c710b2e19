#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "artifacts/artifact_store.h"
#include "common/status.h"
#include "domain/entities.h"
#include "services/validation_service.h"
#include "store/metadata_store.h"

namespace mlops {

// The version_details part of an upload (docs/http-api.md "Upload").
struct NewVersion {
  std::string version_string;
  std::optional<std::string> description;
  ModelFormat model_format = ModelFormat::kOther;
  ServingInterface interface_type = ServingInterface::kCustomFastapi;
  std::optional<JsonText> parameters;
  std::optional<JsonText> metrics;
};

struct UploadSettings {
  std::string bucket;
  std::int64_t max_artifact_bytes = 0;
  ModelVersionStatus initial_status = ModelVersionStatus::kPendingValidation;
};

// One artifact upload in progress. Bytes are streamed to a temporary object; Commit() makes them
// durable, publishes the object and records the version in one metadata transaction. Destroying
// an upload that was not committed leaves nothing behind. Not thread-safe.
class VersionUpload {
 public:
  VersionUpload(MetadataStore& store, ArtifactStore& artifacts,
                std::unique_ptr<ArtifactWriter> writer, ModelVersion pending, std::string bucket,
                std::string key, ValidationService* validation);

  // TOO_LARGE past the artifact limit; UNAVAILABLE if the artifact store fails.
  Status Write(std::string_view chunk);

  // NOT_FOUND if the model was deleted meanwhile; CONFLICT if the version string was taken
  // meanwhile (nothing is kept); INVALID_ARGUMENT for an empty artifact. The upload's validation
  // run, if any, is queued in the same transaction as the version.
  StatusOr<ModelVersion> Commit();

 private:
  // After a failed commit: removes the object Commit() published, unless a version refers to it.
  void RemovePublished();

  MetadataStore& store_;
  ArtifactStore& artifacts_;
  std::unique_ptr<ArtifactWriter> writer_;
  ModelVersion pending_;
  std::string bucket_;
  std::string key_;
  ValidationService* validation_;
};

// Registers new versions with their artifacts (docs/http-api.md "Upload"). With a
// ValidationService, a new version is queued for validation as that service's settings say (the
// trigger on upload). Thread-safe.
class UploadService {
 public:
  UploadService(MetadataStore& store, ArtifactStore& artifacts, UploadSettings settings,
                ValidationService* validation = nullptr)
      : store_(store),
        artifacts_(artifacts),
        settings_(std::move(settings)),
        validation_(validation) {}

  // Checks the request before any byte is stored: INVALID_ARGUMENT for a bad version string or
  // description, or a file name with nothing usable in it; NOT_FOUND if the model does not exist;
  // CONFLICT if the version string is taken.
  StatusOr<std::unique_ptr<VersionUpload>> Begin(const std::string& model_id, const NewVersion& in,
                                                 std::string_view raw_file_name,
                                                 const std::optional<std::string>& user_id);

  const UploadSettings& settings() const { return settings_; }

 private:
  MetadataStore& store_;
  ArtifactStore& artifacts_;
  UploadSettings settings_;
  ValidationService* validation_;
};

}  // namespace mlops
