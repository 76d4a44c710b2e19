#pragma once

#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "common/status.h"
#include "domain/entities.h"
#include "domain/feedback_summary.h"
#include "domain/list_filters.h"
#include "domain/page.h"
#include "services/api_key_service.h"
#include "services/feedback_service.h"
#include "services/registry_service.h"
#include "services/upload_service.h"
#include "services/validation_service.h"

namespace mlops::http {

// JSON request bodies of docs/http-api.md, decoded and type-checked. Each returns MALFORMED for
// text that is not JSON and INVALID_ARGUMENT naming the first field that is missing, of the wrong
// type or not an allowed value. Value rules (name syntax, ranges) are the services' job.
StatusOr<NewModel> DecodeNewModel(std::string_view body);
StatusOr<ModelPatch> DecodeModelPatch(std::string_view body);
StatusOr<NewVersion> DecodeNewVersion(std::string_view body);
StatusOr<ModelVersionStatus> DecodeStatusChange(std::string_view body);
StatusOr<NewFeedback> DecodeNewFeedback(std::string_view body);
// The optional body of a validation trigger: nullopt (the default pipeline) for an empty body or
// one without scan_types; INVALID_ARGUMENT naming an unknown scan type.
StatusOr<std::optional<std::vector<ScanType>>> DecodeValidationTrigger(std::string_view body);

struct NewApiKey {
  std::string name;
  Role role = Role::kViewer;
};
StatusOr<NewApiKey> DecodeNewApiKey(std::string_view body);

// Response bodies, with the field names of docs/http-api.md in its order.
void WriteJson(JsonWriter& w, const Model& m);
void WriteJson(JsonWriter& w, const ModelVersion& v);
void WriteJson(JsonWriter& w, const Feedback& f);
void WriteJson(JsonWriter& w, const ApiKey& k);
void WriteJson(JsonWriter& w, const IssuedKey& k);  // the key's fields plus its secret, once
void WriteJson(JsonWriter& w, const FeedbackSummary& s);
void WriteJson(JsonWriter& w, const ValidationResult& r);

// A JSON array of `items`.
template <typename T>
std::string ToJsonArray(const std::vector<T>& items) {
  JsonWriter w;
  w.BeginArray();
  for (const T& item : items) WriteJson(w, item);
  w.EndArray();
  return w.Take();
}

template <typename T>
std::string ToJson(const T& value) {
  JsonWriter w;
  WriteJson(w, value);
  return w.Take();
}

// A JSON array of every item of a page.
template <typename T>
std::string ToJsonArray(const Page<T>& page) {
  return ToJsonArray(page.items);
}

}  // namespace mlops::http
