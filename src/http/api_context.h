#pragma once

#include "artifacts/artifact_store.h"
#include "config/config.h"
#include "monitoring/metrics.h"
#include "services/api_key_service.h"
#include "services/feedback_service.h"
#include "services/registry_service.h"
#include "services/upload_service.h"
#include "services/validation_service.h"
#include "store/metadata_store.h"

namespace mlops::http {

// What route handlers use; owned by the process (cli/serve), outliving the server.
struct ApiContext {
  const Config& config;
  MetadataStore& store;
  ArtifactStore& artifacts;
  RegistryService& registry;
  UploadService& uploads;
  ValidationService& validation;
  FeedbackService& feedback;
  ApiKeyService& keys;
  monitoring::Metrics& metrics;  // rendered by GET /metrics
};

}  // namespace mlops::http
