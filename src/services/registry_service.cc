#include "services/registry_service.h"

#include "common/uuid.h"
#include "domain/field_rules.h"

namespace mlops {

StatusOr<Model> RegistryService::CreateModel(const NewModel& in) {
  RETURN_IF_ERROR(CheckModelName(in.name));
  RETURN_IF_ERROR(CheckTaskType(in.task_type));
  if (in.description) {
    RETURN_IF_ERROR(CheckTextLength("description", *in.description, kMaxDescriptionChars));
  }
  Model model;
  model.id = NewUuid();
  model.name = in.name;
  model.description = in.description;
  model.task_type = in.task_type;
  model.owner_id = in.owner_id;
  model.created_at = model.updated_at = NowMs();
  RETURN_IF_ERROR(store_.Write([&](MetadataTx& tx) { return tx.InsertModel(model); }));
  return model;
}

StatusOr<Model> RegistryService::GetModel(const std::string& id) {
  return ReadValue(store_, [&](MetadataTx& tx) { return tx.GetModel(id); });
}

StatusOr<Page<Model>> RegistryService::ListModels(const ModelFilter& filter, PageRequest page) {
  return ReadValue(store_, [&](MetadataTx& tx) { return tx.ListModels(filter, page); });
}

StatusOr<Model> RegistryService::UpdateModel(const std::string& id, const ModelPatch& patch) {
  if (patch.task_type) RETURN_IF_ERROR(CheckTaskType(*patch.task_type));
  if (patch.description) {
    RETURN_IF_ERROR(CheckTextLength("description", *patch.description, kMaxDescriptionChars));
  }
  return WriteValue(store_, [&](MetadataTx& tx) -> StatusOr<Model> {
    ASSIGN_OR_RETURN(Model model, tx.GetModel(id));
    if (patch.clear_description) model.description.reset();
    if (patch.description) model.description = patch.description;
    if (patch.task_type) model.task_type = *patch.task_type;
    if (patch.clear_owner_id) model.owner_id.reset();
    if (patch.owner_id) model.owner_id = patch.owner_id;
    model.updated_at = NowMs();
    RETURN_IF_ERROR(tx.UpdateModel(model));
    return model;
  });
}

StatusOr<ModelVersion> RegistryService::GetVersion(const std::string& id) {
  return ReadValue(store_, [&](MetadataTx& tx) { return tx.GetVersion(id); });
}

StatusOr<Page<ModelVersion>> RegistryService::ListVersions(const std::string& model_id,
                                                           const VersionFilter& filter,
                                                           PageRequest page) {
  return ReadValue(store_, [&](MetadataTx& tx) -> StatusOr<Page<ModelVersion>> {
    RETURN_IF_ERROR(tx.GetModel(model_id));
    return tx.ListVersions(model_id, filter, page);
  });
}

StatusOr<ModelVersion> RegistryService::ChangeVersionStatus(
    const std::string& version_id, ModelVersionStatus to, TransitionActor actor,
    const std::optional<std::string>& user_id) {
  const bool queues_run = to == ModelVersionStatus::kPendingValidation && validation_ != nullptr;
  StatusOr<ModelVersion> changed =
      WriteValue(store_, [&](MetadataTx& tx) -> StatusOr<ModelVersion> {
        ASSIGN_OR_RETURN(ModelVersion version, tx.GetVersion(version_id));
        RETURN_IF_ERROR(CheckTransition(version.status, to, actor));
        if (to == ModelVersionStatus::kArchived) {
          ASSIGN_OR_RETURN(std::int64_t deployed, tx.CountActiveDeployments(version_id));
          if (deployed > 0) {
            return Conflict("version " + version.version_string +
                            " has an active deployment; undeploy it before archiving");
          }
        }
        const TimestampMs now = NowMs();
        if (to == ModelVersionStatus::kProduction) {
          ASSIGN_OR_RETURN(auto current, tx.ListVersionsInStatus(version.model_id,
                                                                 ModelVersionStatus::kProduction));
          for (const ModelVersion& previous : current) {
            RETURN_IF_ERROR(tx.SetVersionStatus(previous.id, ModelVersionStatus::kDeprecated, now));
          }
        }
        RETURN_IF_ERROR(tx.SetVersionStatus(version_id, to, now));
        version.status = to;
        version.updated_at = now;
        if (queues_run) RETURN_IF_ERROR(validation_->QueueOnStatusChange(tx, version, user_id));
        return version;
      });
  if (changed.ok() && queues_run) validation_->NotifyQueued();
  return changed;
}

}  // namespace mlops
