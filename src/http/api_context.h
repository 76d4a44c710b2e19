#pragma once

#include "monitoring/metrics.h"
#include "services/api_key_service.h"
#include "services/artifact_download_service.h"
#include "services/feedback_service.h"
#include "services/health_service.h"
#include "services/registry_service.h"
#include "services/upload_service.h"
#include "services/validation_service.h"

namespace mlops::http {

// What route handlers use; owned by the process (cli/serve), outliving the server. Handlers reach
// the stores only through these services.
struct ApiContext {
  RegistryService& registry;
  UploadService& uploads;
  ArtifactDownloadService& downloads;
  ValidationService& validation;
  FeedbackService& feedback;
  ApiKeyService& keys;
  HealthService& health;
  monitoring::Metrics& metrics;  // rendered by GET /metrics
};

}  // namespace mlops::http
