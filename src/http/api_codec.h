#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "domain/entities.h"
#include "services/api_key_service.h"
#include "services/feedback_service.h"
#include "services/registry_service.h"
#include "services/upload_service.h"
#include "store/metadata_store.h"

namespace mlops::http {

// JSON request bodies of API.md, decoded and type-checked. Each returns MALFORMED for text that is
// not JSON and INVALID_ARGUMENT naming the first field that is missing, of the wrong type or not
// an allowed value. Value rules (name syntax, ranges) are the services' job.
StatusOr<NewModel> DecodeNewModel(std::string_view body);
StatusOr<ModelPatch> DecodeModelPatch(std::string_view body);
StatusOr<NewVersion> DecodeNewVersion(std::string_view body);
StatusOr<ModelVersionStatus> DecodeStatusChange(std::string_view body);
StatusOr<NewFeedback> DecodeNewFeedback(std::string_view body);

struct NewApiKey {
  std::string name;
  Role role = Role::kViewer;
};
StatusOr<NewApiKey> DecodeNewApiKey(std::string_view body);

// Response bodies, with API.md's field names.
nlohmann::json ToJson(const Model& m);
nlohmann::json ToJson(const ModelVersion& v);
nlohmann::json ToJson(const Feedback& f);
nlohmann::json ToJson(const ApiKey& k);
nlohmann::json ToJson(const FeedbackSummary& s);

// A JSON array of every item of a page.
template <typename T>
nlohmann::json ToJsonArray(const Page<T>& page) {
  nlohmann::json out = nlohmann::json::array();
  for (const T& item : page.items) out.push_back(ToJson(item));
  return out;
}

}  // namespace mlops::http
