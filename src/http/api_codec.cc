#include "http/api_codec.h"

#include <string>

#include "common/time.h"
#include "http/json_fields.h"

namespace mlops::http {
namespace {

template <typename Enum>
std::string AllowedValues() {
  std::string out;
  for (Enum v : AllValues<Enum>()) {
    if (!out.empty()) out += ", ";
    out += ToString(v);
  }
  return out;
}

template <typename Enum>
Enum ReadEnum(FieldReader& r, std::string_view name) {
  return r.RequiredEnum<Enum>(name, ParseEnum<Enum>, AllowedValues<Enum>());
}

nlohmann::json Nullable(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// Stored JSON text was validated on the way in; a damaged value is shown as null, not thrown.
nlohmann::json EmbeddedJson(const std::optional<JsonText>& text) {
  if (!text) return nullptr;
  nlohmann::json v = nlohmann::json::parse(*text, nullptr, false);
  return v.is_discarded() ? nlohmann::json(nullptr) : v;
}

template <typename T, typename Fill>
StatusOr<T> Decode(std::string_view body, Fill fill) {
  ASSIGN_OR_RETURN(nlohmann::json object, ParseJsonObject(body));
  FieldReader r(object);
  T out = fill(r);
  if (!r.status().ok()) return r.status();
  return out;
}

}  // namespace

StatusOr<NewModel> DecodeNewModel(std::string_view body) {
  return Decode<NewModel>(body, [](FieldReader& r) {
    NewModel m;
    m.name = r.RequiredString("name");
    m.description = r.OptionalString("description");
    m.task_type = r.RequiredString("task_type");
    m.owner_id = r.OptionalUuid("owner_id");
    return m;
  });
}

StatusOr<ModelPatch> DecodeModelPatch(std::string_view body) {
  return Decode<ModelPatch>(body, [](FieldReader& r) {
    ModelPatch p;
    p.description = r.OptionalString("description");
    p.clear_description = r.IsNull("description");
    p.task_type = r.OptionalString("task_type");
    if (r.IsNull("task_type")) r.Fail(InvalidArgument("task_type cannot be null"));
    p.owner_id = r.OptionalUuid("owner_id");
    p.clear_owner_id = r.IsNull("owner_id");
    return p;
  });
}

StatusOr<NewVersion> DecodeNewVersion(std::string_view body) {
  return Decode<NewVersion>(body, [](FieldReader& r) {
    NewVersion v;
    v.version_string = r.RequiredString("version_string");
    v.description = r.OptionalString("description");
    v.model_format = ReadEnum<ModelFormat>(r, "model_format");
    v.interface_type = ReadEnum<ServingInterface>(r, "interface_type");
    v.parameters = r.OptionalObject("parameters");
    v.metrics = r.OptionalObject("metrics");
    return v;
  });
}

StatusOr<ModelVersionStatus> DecodeStatusChange(std::string_view body) {
  return Decode<ModelVersionStatus>(
      body, [](FieldReader& r) { return ReadEnum<ModelVersionStatus>(r, "new_status"); });
}

StatusOr<NewFeedback> DecodeNewFeedback(std::string_view body) {
  return Decode<NewFeedback>(body, [](FieldReader& r) {
    NewFeedback f;
    f.model_version_id = r.RequiredUuid("model_version_id");
    f.user_id = r.OptionalUuid("user_id");
    f.generation_request_id = r.OptionalUuid("generation_request_id");
    f.rating = r.OptionalInt("rating");
    f.comment = r.OptionalString("comment");
    f.feedback_data = r.OptionalObject("feedback_data");
    return f;
  });
}

StatusOr<NewApiKey> DecodeNewApiKey(std::string_view body) {
  return Decode<NewApiKey>(body, [](FieldReader& r) {
    NewApiKey k;
    k.name = r.RequiredString("name");
    k.role = r.RequiredEnum<Role>("role", ParseRole,
                                  "admin, model_manager, viewer, feedback_writer");
    return k;
  });
}

nlohmann::json ToJson(const Model& m) {
  return {{"id", m.id},
          {"name", m.name},
          {"description", Nullable(m.description)},
          {"task_type", m.task_type},
          {"owner_id", Nullable(m.owner_id)},
          {"created_at", FormatRfc3339(m.created_at)},
          {"updated_at", FormatRfc3339(m.updated_at)}};
}

nlohmann::json ToJson(const ModelVersion& v) {
  return {{"id", v.id},
          {"model_id", v.model_id},
          {"version_string", v.version_string},
          {"description", Nullable(v.description)},
          {"artifact_path", v.artifact_path},
          {"model_format", ToString(v.model_format)},
          {"interface_type", ToString(v.interface_type)},
          {"parameters", EmbeddedJson(v.parameters)},
          {"metrics", EmbeddedJson(v.metrics)},
          {"status", ToString(v.status)},
          {"created_at", FormatRfc3339(v.created_at)},
          {"updated_at", FormatRfc3339(v.updated_at)},
          {"created_by_user_id", Nullable(v.created_by_user_id)},
          {"artifact_size_bytes", v.artifact_size_bytes},
          {"artifact_sha256", v.artifact_sha256}};
}

nlohmann::json ToJson(const Feedback& f) {
  return {{"id", f.id},
          {"model_version_id", f.model_version_id},
          {"user_id", Nullable(f.user_id)},
          {"generation_request_id", Nullable(f.generation_request_id)},
          {"rating", f.rating ? nlohmann::json(*f.rating) : nlohmann::json(nullptr)},
          {"comment", Nullable(f.comment)},
          {"feedback_data", EmbeddedJson(f.feedback_data)},
          {"submitted_at", FormatRfc3339(f.submitted_at)}};
}

nlohmann::json ToJson(const ApiKey& k) {
  return {{"id", k.id},
          {"name", k.name},
          {"role", ToString(k.role)},
          {"created_at", FormatRfc3339(k.created_at)}};
}

nlohmann::json ToJson(const FeedbackSummary& s) {
  nlohmann::json counts = nlohmann::json::object();
  for (int r = 1; r <= 5; ++r) counts[std::to_string(r)] = s.rating_counts[r - 1];
  return {{"count", s.count},
          {"average_rating",
           s.average_rating ? nlohmann::json(*s.average_rating) : nlohmann::json(nullptr)},
          {"rating_counts", counts}};
}

}  // namespace mlops::http
