#include "services/upload_service.h"

#include "common/uuid.h"
#include "domain/field_rules.h"
#include "services/model_artifact_key.h"
#include "services/object_path.h"

namespace mlops {
namespace {

Status VersionTaken(const ModelVersion& v) {
  return Conflict("model " + v.model_id + " already has a version '" + v.version_string + "'");
}

}  // namespace

VersionUpload::VersionUpload(MetadataStore& store, ArtifactStore& artifacts,
                             std::unique_ptr<ArtifactWriter> writer, ModelVersion pending,
                             std::string bucket, std::string key, ValidationService* validation)
    : store_(store),
      artifacts_(artifacts),
      writer_(std::move(writer)),
      pending_(std::move(pending)),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      validation_(validation) {}

Status VersionUpload::Write(std::string_view chunk) { return writer_->Write(chunk); }

void VersionUpload::RemovePublished() {
  // In a write transaction, so that no other upload of this version publishes between the check
  // and the removal. The object is kept if a version refers to it now: another upload of the same
  // version that committed after ours failed (its object replaced ours), or ours, if its COMMIT
  // took effect although it reported a failure. If this fails too, the orphan sweep removes it.
  (void)store_.Write([&](MetadataTx& tx) -> Status {
    ASSIGN_OR_RETURN(auto current, tx.FindVersion(pending_.model_id, pending_.version_string));
    if (current && current->artifact_path == pending_.artifact_path) return OkStatus();
    return artifacts_.Delete(bucket_, key_);
  });
}

StatusOr<ModelVersion> VersionUpload::Commit() {
  ASSIGN_OR_RETURN(ArtifactInfo info, writer_->Finish());
  if (info.size_bytes == 0) return InvalidArgument("the uploaded file is empty");
  pending_.artifact_size_bytes = info.size_bytes;
  pending_.artifact_sha256 = info.sha256;
  pending_.created_at = pending_.updated_at = NowMs();

  // The object is published inside the transaction, after the row's insert succeeded: writers are
  // serialized, so no concurrent upload of the same version can publish over it, and a failed
  // commit removes the object again.
  bool published = false;
  Status s = store_.Write([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetModel(pending_.model_id));
    ASSIGN_OR_RETURN(auto existing, tx.FindVersion(pending_.model_id, pending_.version_string));
    if (existing) return VersionTaken(*existing);
    RETURN_IF_ERROR(tx.InsertVersion(pending_));
    if (validation_ != nullptr) RETURN_IF_ERROR(validation_->QueueOnUpload(tx, pending_));
    RETURN_IF_ERROR(writer_->Publish());
    published = true;
    return OkStatus();
  });
  if (!s.ok()) {
    if (published) RemovePublished();
    return s;
  }
  if (validation_ != nullptr) validation_->NotifyQueued();
  return pending_;
}

StatusOr<std::unique_ptr<VersionUpload>> UploadService::Begin(
    const std::string& model_id, const NewVersion& in, std::string_view raw_file_name,
    const std::optional<std::string>& user_id) {
  RETURN_IF_ERROR(CheckVersionString(in.version_string));
  if (in.description) {
    RETURN_IF_ERROR(CheckTextLength("description", *in.description, kMaxDescriptionChars));
  }
  const std::optional<std::string> file_name = SafeFileName(raw_file_name);
  if (!file_name) {
    return InvalidArgument("the file part needs a file name with at least one usable character");
  }
  RETURN_IF_ERROR(store_.Read([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetModel(model_id));
    ASSIGN_OR_RETURN(auto existing, tx.FindVersion(model_id, in.version_string));
    if (existing) return VersionTaken(*existing);
    return OkStatus();
  }));

  ModelVersion pending;
  pending.id = NewUuid();
  pending.model_id = model_id;
  pending.version_string = in.version_string;
  pending.description = in.description;
  pending.model_format = in.model_format;
  pending.interface_type = in.interface_type;
  pending.parameters = in.parameters;
  pending.metrics = in.metrics;
  pending.status = settings_.initial_status;
  pending.created_by_user_id = user_id;
  const std::string key = ModelArtifactKey(model_id, in.version_string, *file_name);
  pending.artifact_path = JoinObjectPath(settings_.bucket, key);

  ASSIGN_OR_RETURN(auto writer,
                   artifacts_.BeginWrite(settings_.bucket, key, settings_.max_artifact_bytes));
  return std::make_unique<VersionUpload>(store_, artifacts_, std::move(writer), std::move(pending),
                                         settings_.bucket, key, validation_);
}

}  // namespace mlops
