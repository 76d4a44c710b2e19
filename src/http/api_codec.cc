#include "http/api_codec.h"

#include <nlohmann/json.hpp>
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

// Stored JSON text was serialized by us on the way in; a damaged value is shown as null rather
// than breaking the response.
void WriteEmbedded(JsonWriter& w, const std::optional<JsonText>& text) {
  if (text && nlohmann::json::accept(*text)) {
    w.Raw(*text);
  } else {
    w.Null();
  }
}

void WriteTime(JsonWriter& w, std::string_view key, TimestampMs t) {
  w.Key(key).String(FormatRfc3339(t));
}

void WriteApiKeyFields(JsonWriter& w, const ApiKey& k) {
  w.Key("id").String(k.id).Key("name").String(k.name).Key("role").String(ToString(k.role));
  WriteTime(w, "created_at", k.created_at);
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

StatusOr<std::optional<std::vector<ScanType>>> DecodeValidationTrigger(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return std::optional<std::vector<ScanType>>();
  }
  ASSIGN_OR_RETURN(nlohmann::json object, ParseJsonObject(body));
  const auto field = object.find("scan_types");
  if (field == object.end() || field->is_null()) return std::optional<std::vector<ScanType>>();
  if (!field->is_array()) return InvalidArgument("scan_types must be an array of scan types");
  std::vector<ScanType> types;
  for (std::size_t i = 0; i < field->size(); ++i) {
    const nlohmann::json& item = (*field)[i];
    const std::string where = "scan_types[" + std::to_string(i) + "]";
    if (!item.is_string()) return InvalidArgument(where + " must be a string");
    const std::optional<ScanType> type = ParseEnum<ScanType>(item.get<std::string>());
    if (!type) {
      return InvalidArgument(where + " must be one of " + AllowedValues<ScanType>() + ", got '" +
                             item.get<std::string>() + "'");
    }
    types.push_back(*type);
  }
  return std::optional<std::vector<ScanType>>(std::move(types));
}

StatusOr<NewApiKey> DecodeNewApiKey(std::string_view body) {
  return Decode<NewApiKey>(body, [](FieldReader& r) {
    NewApiKey k;
    k.name = r.RequiredString("name");
    k.role =
        r.RequiredEnum<Role>("role", ParseRole, "admin, model_manager, viewer, feedback_writer");
    return k;
  });
}

void WriteJson(JsonWriter& w, const Model& m) {
  w.BeginObject();
  w.Key("id").String(m.id).Key("name").String(m.name);
  w.Key("description").StringOrNull(m.description);
  w.Key("task_type").String(m.task_type).Key("owner_id").StringOrNull(m.owner_id);
  WriteTime(w, "created_at", m.created_at);
  WriteTime(w, "updated_at", m.updated_at);
  w.EndObject();
}

void WriteJson(JsonWriter& w, const ModelVersion& v) {
  w.BeginObject();
  w.Key("id").String(v.id).Key("model_id").String(v.model_id);
  w.Key("version_string").String(v.version_string);
  w.Key("description").StringOrNull(v.description);
  w.Key("artifact_path").String(v.artifact_path);
  w.Key("model_format").String(ToString(v.model_format));
  w.Key("interface_type").String(ToString(v.interface_type));
  w.Key("parameters");
  WriteEmbedded(w, v.parameters);
  w.Key("metrics");
  WriteEmbedded(w, v.metrics);
  w.Key("status").String(ToString(v.status));
  WriteTime(w, "created_at", v.created_at);
  WriteTime(w, "updated_at", v.updated_at);
  w.Key("created_by_user_id").StringOrNull(v.created_by_user_id);
  w.Key("artifact_size_bytes").Int(v.artifact_size_bytes);
  w.Key("artifact_sha256").String(v.artifact_sha256);
  w.Key("io_signature");
  WriteEmbedded(w, v.io_signature);
  w.Key("validation_decision");
  WriteEmbedded(w, v.validation_decision);
  w.EndObject();
}

void WriteJson(JsonWriter& w, const Feedback& f) {
  w.BeginObject();
  w.Key("id").String(f.id).Key("model_version_id").String(f.model_version_id);
  w.Key("user_id").StringOrNull(f.user_id);
  w.Key("generation_request_id").StringOrNull(f.generation_request_id);
  w.Key("rating").IntOrNull(f.rating);
  w.Key("comment").StringOrNull(f.comment);
  w.Key("feedback_data");
  WriteEmbedded(w, f.feedback_data);
  WriteTime(w, "submitted_at", f.submitted_at);
  w.EndObject();
}

void WriteJson(JsonWriter& w, const ApiKey& k) {
  w.BeginObject();
  WriteApiKeyFields(w, k);
  w.EndObject();
}

void WriteJson(JsonWriter& w, const IssuedKey& k) {
  w.BeginObject();
  WriteApiKeyFields(w, k.key);
  w.Key("key").String(k.secret);
  w.EndObject();
}

void WriteJson(JsonWriter& w, const FeedbackSummary& s) {
  w.BeginObject();
  w.Key("count").Int(s.count);
  w.Key("average_rating");
  if (s.average_rating) {
    w.Double(*s.average_rating);
  } else {
    w.Null();
  }
  w.Key("rating_counts").BeginObject();
  for (int r = 1; r <= 5; ++r) w.Key(std::to_string(r)).Int(s.rating_counts[r - 1]);
  w.EndObject();
  w.EndObject();
}

void WriteJson(JsonWriter& w, const ValidationResult& r) {
  w.BeginObject();
  w.Key("id").String(r.id).Key("model_version_id").String(r.model_version_id);
  w.Key("scan_type").String(ToString(r.scan_type)).Key("status").String(ToString(r.status));
  w.Key("summary").StringOrNull(r.summary);
  w.Key("details");
  WriteEmbedded(w, r.details);
  w.Key("details_path").StringOrNull(r.details_path);
  WriteTime(w, "validated_at", r.validated_at);
  w.Key("validated_by_user_id").StringOrNull(r.validated_by_user_id);
  WriteTime(w, "created_at", r.created_at);
  w.Key("trigger_id").String(r.trigger_id);
  w.EndObject();
}

}  // namespace mlops::http
