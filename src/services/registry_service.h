#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "domain/entities.h"
#include "domain/lifecycle.h"
#include "domain/list_filters.h"
#include "domain/page.h"
#include "services/validation_service.h"
#include "store/metadata_store.h"

namespace mlops {

struct NewModel {
  std::string name;
  std::optional<std::string> description;
  std::string task_type;
  std::optional<std::string> owner_id;
};

// Fields a PATCH may change; nullopt leaves a field as it is. `clear_*` sets it to null.
struct ModelPatch {
  std::optional<std::string> description;
  bool clear_description = false;
  std::optional<std::string> task_type;
  std::optional<std::string> owner_id;
  bool clear_owner_id = false;
};

// Models and versions: registration, lookup and the version lifecycle (docs/http-api.md "Models").
// Thread-safe; every change is one metadata transaction.
class RegistryService {
 public:
  // `validation` (may be null, then no run is queued) queues the run of a version moved to
  // PENDING_VALIDATION; it must outlive this service.
  explicit RegistryService(MetadataStore& store, ValidationService* validation = nullptr)
      : store_(store), validation_(validation) {}

  // INVALID_ARGUMENT for a bad name or task type; CONFLICT if the name is taken.
  StatusOr<Model> CreateModel(const NewModel& in);
  // NOT_FOUND if there is no such model.
  StatusOr<Model> GetModel(const std::string& id);
  StatusOr<Page<Model>> ListModels(const ModelFilter& filter, PageRequest page);
  // NOT_FOUND if there is no such model; INVALID_ARGUMENT for a bad value.
  StatusOr<Model> UpdateModel(const std::string& id, const ModelPatch& patch);

  // NOT_FOUND if there is no such version.
  StatusOr<ModelVersion> GetVersion(const std::string& id);
  // NOT_FOUND if there is no such model.
  StatusOr<Page<ModelVersion>> ListVersions(const std::string& model_id,
                                            const VersionFilter& filter, PageRequest page);

  // Moves a version to `to`. NOT_FOUND if there is no such version; CONFLICT for an illegal
  // transition or when archiving a version that is still deployed. Promoting to PRODUCTION
  // moves the model's previous PRODUCTION version to DEPRECATED in the same transaction; moving
  // to PENDING_VALIDATION queues the default validation pipeline in it (on behalf of `user_id`),
  // so that the version reaches a decision.
  StatusOr<ModelVersion> ChangeVersionStatus(const std::string& version_id, ModelVersionStatus to,
                                             TransitionActor actor,
                                             const std::optional<std::string>& user_id = {});

 private:
  MetadataStore& store_;
  ValidationService* validation_;
};

}  // namespace mlops
