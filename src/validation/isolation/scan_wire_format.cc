#include "validation/isolation/scan_wire_format.h"

#include <nlohmann/json.hpp>

#include "common/json_writer.h"

namespace mlops::validation::isolation {
namespace {

// The member `key` of `object`; nullptr if it has none (or is no object).
const nlohmann::json* Find(const nlohmann::json* object, const char* key) {
  if (object == nullptr || !object->is_object()) return nullptr;
  const auto it = object->find(key);
  return it == object->end() ? nullptr : &*it;
}

// Reads the members of one JSON object, remembering the first member that is missing or of the
// wrong type. Optional members must be present, as null when unset: an encoder that forgot one
// is caught rather than read as unset.
class FieldReader {
 public:
  FieldReader(const nlohmann::json* object, std::string where)
      : object_(object), where_(std::move(where)) {
    if (object_ == nullptr || !object_->is_object()) Fail("");
  }

  void Read(const char* key, std::string& out) {
    if (const nlohmann::json* v = Find(object_, key); v != nullptr && v->is_string()) {
      out = v->get<std::string>();
    } else {
      Fail(key);
    }
  }
  void Read(const char* key, std::optional<std::string>& out) {
    if (const nlohmann::json* v = Find(object_, key); v != nullptr && v->is_null()) {
      out.reset();
    } else {
      Read(key, out.emplace());
    }
  }
  void Read(const char* key, std::int64_t& out) {
    if (const nlohmann::json* v = Find(object_, key); v != nullptr && v->is_number_integer()) {
      out = v->get<std::int64_t>();
    } else {
      Fail(key);
    }
  }
  template <typename Enum>
  void ReadEnum(const char* key, Enum& out) {
    std::string text;
    Read(key, text);
    if (const std::optional<Enum> value = ParseEnum<Enum>(text)) {
      out = *value;
    } else {
      Fail(key);
    }
  }

  const Status& status() const { return status_; }

 private:
  void Fail(std::string_view key) {
    if (status_.ok()) {
      status_ = InvalidArgument("scan message: " + where_ + (key.empty() ? "" : ".") +
                                std::string(key) + " is missing or malformed");
    }
  }

  const nlohmann::json* object_;
  std::string where_;
  Status status_;
};

StatusOr<nlohmann::json> Parse(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("scan message: not JSON");
  return doc;
}

void WriteModel(JsonWriter& w, const Model& m) {
  w.BeginObject();
  w.Key("id").String(m.id).Key("name").String(m.name);
  w.Key("description").StringOrNull(m.description).Key("task_type").String(m.task_type);
  w.Key("owner_id").StringOrNull(m.owner_id);
  w.Key("created_at").Int(m.created_at).Key("updated_at").Int(m.updated_at);
  w.EndObject();
}

Status ReadModel(const nlohmann::json* object, Model& m) {
  FieldReader r(object, "model");
  r.Read("id", m.id);
  r.Read("name", m.name);
  r.Read("description", m.description);
  r.Read("task_type", m.task_type);
  r.Read("owner_id", m.owner_id);
  r.Read("created_at", m.created_at);
  r.Read("updated_at", m.updated_at);
  return r.status();
}

void WriteVersion(JsonWriter& w, const ModelVersion& v) {
  w.BeginObject();
  w.Key("id").String(v.id).Key("model_id").String(v.model_id);
  w.Key("version_string").String(v.version_string).Key("description").StringOrNull(v.description);
  w.Key("artifact_path").String(v.artifact_path);
  w.Key("model_format").String(ToString(v.model_format));
  w.Key("interface_type").String(ToString(v.interface_type));
  w.Key("parameters").StringOrNull(v.parameters).Key("metrics").StringOrNull(v.metrics);
  w.Key("status").String(ToString(v.status));
  w.Key("created_at").Int(v.created_at).Key("updated_at").Int(v.updated_at);
  w.Key("created_by_user_id").StringOrNull(v.created_by_user_id);
  w.Key("artifact_size_bytes").Int(v.artifact_size_bytes);
  w.Key("artifact_sha256").String(v.artifact_sha256);
  w.Key("io_signature").StringOrNull(v.io_signature);
  w.Key("validation_decision").StringOrNull(v.validation_decision);
  w.EndObject();
}

Status ReadVersion(const nlohmann::json* object, ModelVersion& v) {
  FieldReader r(object, "version");
  r.Read("id", v.id);
  r.Read("model_id", v.model_id);
  r.Read("version_string", v.version_string);
  r.Read("description", v.description);
  r.Read("artifact_path", v.artifact_path);
  r.ReadEnum("model_format", v.model_format);
  r.ReadEnum("interface_type", v.interface_type);
  r.Read("parameters", v.parameters);
  r.Read("metrics", v.metrics);
  r.ReadEnum("status", v.status);
  r.Read("created_at", v.created_at);
  r.Read("updated_at", v.updated_at);
  r.Read("created_by_user_id", v.created_by_user_id);
  r.Read("artifact_size_bytes", v.artifact_size_bytes);
  r.Read("artifact_sha256", v.artifact_sha256);
  r.Read("io_signature", v.io_signature);
  r.Read("validation_decision", v.validation_decision);
  return r.status();
}

}  // namespace

std::string EncodeScanSubject(const ScanSubject& subject) {
  JsonWriter w;
  w.BeginObject().Key("model");
  WriteModel(w, subject.model);
  w.Key("version");
  WriteVersion(w, subject.version);
  w.Key("artifact_file").String(subject.artifact_file.native());
  w.Key("file_name").String(subject.file_name);
  w.EndObject();
  return w.Take();
}

StatusOr<OwnedScanSubject> DecodeScanSubject(std::string_view json) {
  ASSIGN_OR_RETURN(const nlohmann::json doc, Parse(json));
  OwnedScanSubject subject;
  FieldReader r(&doc, "subject");
  std::string artifact_file;
  r.Read("artifact_file", artifact_file);
  r.Read("file_name", subject.file_name);
  RETURN_IF_ERROR(r.status());
  subject.artifact_file = artifact_file;
  RETURN_IF_ERROR(ReadModel(Find(&doc, "model"), subject.model));
  RETURN_IF_ERROR(ReadVersion(Find(&doc, "version"), subject.version));
  return subject;
}

std::string EncodeScanOutcome(const ScanOutcome& outcome) {
  JsonWriter w;
  w.BeginObject();
  w.Key("status").String(ToString(outcome.status)).Key("summary").String(outcome.summary);
  w.Key("details").String(outcome.details).Key("report").String(outcome.report);
  w.Key("io_signature").StringOrNull(outcome.io_signature);
  w.EndObject();
  return w.Take();
}

StatusOr<ScanOutcome> DecodeScanOutcome(std::string_view json) {
  ASSIGN_OR_RETURN(const nlohmann::json doc, Parse(json));
  ScanOutcome outcome;
  FieldReader r(&doc, "outcome");
  r.ReadEnum("status", outcome.status);
  r.Read("summary", outcome.summary);
  r.Read("details", outcome.details);
  r.Read("report", outcome.report);
  r.Read("io_signature", outcome.io_signature);
  RETURN_IF_ERROR(r.status());
  return outcome;
}

}  // namespace mlops::validation::isolation
