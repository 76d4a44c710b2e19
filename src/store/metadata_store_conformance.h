#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/uuid.h"
#include "store/metadata_store.h"

namespace mlops {

// One backend under the conformance suite (metadata_store_conformance_test.cc). A backend's test
// file instantiates the suite with it:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataStoreConformanceTest,
//                            ::testing::Values(MetadataStoreBackend{...}), BackendName);
struct MetadataStoreBackend {
  std::string name;
  // Opens a store, not yet migrated, at `location`: an empty directory the suite creates per test
  // and removes afterwards. Opening the same location again must reach the same data.
  std::function<StatusOr<std::unique_ptr<MetadataStore>>(const std::string& location)> open;
  // The schema version that Migrate() brings a new database to.
  int latest_schema_version = 0;
  // Why the backend cannot be tested here (e.g. no test server configured); empty if it can. Its
  // tests are then skipped, or fail when MLOPS_REQUIRE_BACKENDS=1 (as in scripts/run-tests.sh).
  std::string unavailable;
  // Removes what `open` created for `location` outside the directory, e.g. a server-side
  // database; called after each test for every location it used. Optional.
  std::function<void(const std::string& location)> remove;
};

std::string BackendName(const ::testing::TestParamInfo<MetadataStoreBackend>& info);

// Names the backend in GoogleTest's messages instead of dumping its bytes.
inline void PrintTo(const MetadataStoreBackend& backend, std::ostream* os) { *os << backend.name; }

class MetadataStoreConformanceTest : public ::testing::TestWithParam<MetadataStoreBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A new empty directory, removed after the test.
  std::string NewLocation();
  // Another handle on the store at `location`, not migrated.
  std::unique_ptr<MetadataStore> Open(const std::string& location);

  std::string location_;
  std::unique_ptr<MetadataStore> store_;  // open on location_ and migrated

 private:
  std::vector<std::string> locations_;
};

// Helpers for the suite's test files.
namespace conformance {

#define EXPECT_OK(expr) EXPECT_EQ(::mlops::internal::AsStatus(expr).ToString(), "OK")
#define ASSERT_OK(expr) ASSERT_EQ(::mlops::internal::AsStatus(expr).ToString(), "OK")

inline Model NewModel(const std::string& name, TimestampMs created_at = 1000,
                      const std::string& task_type = "text-generation") {
  return Model{.id = NewUuid(),
               .name = name,
               .description = "about " + name,
               .task_type = task_type,
               .owner_id = "owner-1",
               .created_at = created_at,
               .updated_at = created_at};
}

inline ModelVersion NewVersion(const std::string& model_id, const std::string& version_string,
                               ModelVersionStatus status = ModelVersionStatus::kStaging,
                               TimestampMs created_at = 1000) {
  return ModelVersion{.id = NewUuid(),
                      .model_id = model_id,
                      .version_string = version_string,
                      .description = "version " + version_string,
                      .artifact_path = "models/" + model_id + "/" + version_string + "/model.onnx",
                      .model_format = ModelFormat::kOnnx,
                      .interface_type = ServingInterface::kTritonInferenceServer,
                      .parameters = R"({"layers": 3})",
                      .metrics = R"({"accuracy": 0.9})",
                      .status = status,
                      .created_at = created_at,
                      .updated_at = created_at,
                      .created_by_user_id = "user-1",
                      .artifact_size_bytes = 1234,
                      .artifact_sha256 = std::string(64, 'a'),
                      .io_signature = std::nullopt,
                      .validation_decision = std::nullopt};
}

inline Feedback NewFeedback(const std::string& version_id, std::optional<int> rating,
                            TimestampMs submitted_at = 1000) {
  return Feedback{.id = NewUuid(),
                  .model_version_id = version_id,
                  .user_id = "user-2",
                  .generation_request_id = "request-1",
                  .rating = rating,
                  .comment = "fine",
                  .feedback_data = R"({"tags": ["a"]})",
                  .submitted_at = submitted_at};
}

inline ApiKey NewKey(const std::string& name, Role role = Role::kViewer,
                     TimestampMs created_at = 1000) {
  return ApiKey{.id = NewUuid(),
                .name = name,
                .role = role,
                .key_hash = "hash-of-" + name,
                .created_at = created_at};
}

inline auto Fields(const Model& m) {
  return std::tie(m.id, m.name, m.description, m.task_type, m.owner_id, m.created_at, m.updated_at);
}
inline auto Fields(const ModelVersion& v) {
  return std::tie(v.id, v.model_id, v.version_string, v.description, v.artifact_path,
                  v.model_format, v.interface_type, v.parameters, v.metrics, v.status, v.created_at,
                  v.updated_at, v.created_by_user_id, v.artifact_size_bytes, v.artifact_sha256,
                  v.io_signature, v.validation_decision);
}
inline auto Fields(const Feedback& f) {
  return std::tie(f.id, f.model_version_id, f.user_id, f.generation_request_id, f.rating, f.comment,
                  f.feedback_data, f.submitted_at);
}
inline auto Fields(const ValidationResult& r) {
  return std::tie(r.id, r.model_version_id, r.trigger_id, r.scan_type, r.status, r.summary,
                  r.details, r.details_path, r.validated_at, r.validated_by_user_id, r.created_at);
}
inline auto Fields(const ValidationJob& j) {
  return std::tie(j.result_id, j.trigger_id, j.model_version_id, j.scan_type, j.state, j.attempts,
                  j.lease_token, j.lease_expires_at, j.created_at, j.updated_at);
}
inline auto Fields(const ApiKey& k) {
  return std::tie(k.id, k.name, k.role, k.key_hash, k.created_at);
}

inline Status Insert(MetadataStore& store, const Model& model) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertModel(model); });
}
inline Status Insert(MetadataStore& store, const ModelVersion& version) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertVersion(version); });
}
inline Status Insert(MetadataStore& store, const Feedback& feedback) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertFeedback(feedback); });
}
inline Status Insert(MetadataStore& store, const ApiKey& key) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertApiKey(key); });
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& items) {
  std::vector<std::string> ids;
  for (const T& item : items) ids.push_back(item.id);
  return ids;
}

inline StatusOr<FeedbackSummary> Summarize(MetadataStore& store, const std::string& version_id) {
  return ReadValue(store, [&](MetadataTx& tx) { return tx.SummarizeFeedback(version_id); });
}

inline ModelFilter Filter(std::optional<std::string> task_type,
                          std::optional<std::string> name_prefix) {
  ModelFilter filter;
  filter.task_type = std::move(task_type);
  filter.name_prefix = std::move(name_prefix);
  return filter;
}

inline StatusOr<Model> GetModel(MetadataStore& store, const std::string& id) {
  return ReadValue(store, [&](MetadataTx& tx) { return tx.GetModel(id); });
}

}  // namespace conformance
}  // namespace mlops
