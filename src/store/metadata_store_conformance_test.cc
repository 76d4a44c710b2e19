// The behaviour every MetadataStore backend must show. Backends instantiate the suite in their own
// test files (see metadata_store_conformance.h).
#include "store/metadata_store_conformance.h"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "common/uuid.h"

namespace mlops {

#define EXPECT_OK(expr) EXPECT_EQ(::mlops::internal::AsStatus(expr).ToString(), "OK")
#define ASSERT_OK(expr) ASSERT_EQ(::mlops::internal::AsStatus(expr).ToString(), "OK")

std::string BackendName(const ::testing::TestParamInfo<MetadataStoreBackend>& info) {
  return info.param.name;
}

void MetadataStoreConformanceTest::SetUp() {
  location_ = NewLocation();
  store_ = Open(location_);
  ASSERT_NE(store_, nullptr);
  ASSERT_OK(store_->Migrate());
}

void MetadataStoreConformanceTest::TearDown() {
  store_.reset();
  for (const std::string& location : locations_) std::filesystem::remove_all(location);
}

std::string MetadataStoreConformanceTest::NewLocation() {
  std::string pattern = ::testing::TempDir() + "/metadata_store_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
    return pattern;
  }
  locations_.push_back(pattern);
  return pattern;
}

std::unique_ptr<MetadataStore> MetadataStoreConformanceTest::Open(const std::string& location) {
  StatusOr<std::unique_ptr<MetadataStore>> store = GetParam().open(location);
  if (!store.ok()) {
    ADD_FAILURE() << "opening the store failed: " << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

namespace {

using S = ModelVersionStatus;

Model NewModel(const std::string& name, TimestampMs created_at = 1000,
               const std::string& task_type = "text-generation") {
  return Model{.id = NewUuid(),
               .name = name,
               .description = "about " + name,
               .task_type = task_type,
               .owner_id = "owner-1",
               .created_at = created_at,
               .updated_at = created_at};
}

ModelVersion NewVersion(const std::string& model_id, const std::string& version_string,
                        S status = S::kStaging, TimestampMs created_at = 1000) {
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
                      .artifact_sha256 = std::string(64, 'a')};
}

Feedback NewFeedback(const std::string& version_id, std::optional<int> rating,
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

ApiKey NewKey(const std::string& name, Role role = Role::kViewer, TimestampMs created_at = 1000) {
  return ApiKey{.id = NewUuid(),
                .name = name,
                .role = role,
                .key_hash = "hash-of-" + name,
                .created_at = created_at};
}

auto Fields(const Model& m) {
  return std::tie(m.id, m.name, m.description, m.task_type, m.owner_id, m.created_at, m.updated_at);
}
auto Fields(const ModelVersion& v) {
  return std::tie(v.id, v.model_id, v.version_string, v.description, v.artifact_path,
                  v.model_format, v.interface_type, v.parameters, v.metrics, v.status, v.created_at,
                  v.updated_at, v.created_by_user_id, v.artifact_size_bytes, v.artifact_sha256);
}
auto Fields(const Feedback& f) {
  return std::tie(f.id, f.model_version_id, f.user_id, f.generation_request_id, f.rating, f.comment,
                  f.feedback_data, f.submitted_at);
}
auto Fields(const ApiKey& k) { return std::tie(k.id, k.name, k.role, k.key_hash, k.created_at); }

Status Insert(MetadataStore& store, const Model& model) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertModel(model); });
}
Status Insert(MetadataStore& store, const ModelVersion& version) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertVersion(version); });
}
Status Insert(MetadataStore& store, const Feedback& feedback) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertFeedback(feedback); });
}
Status Insert(MetadataStore& store, const ApiKey& key) {
  return store.Write([&](MetadataTx& tx) { return tx.InsertApiKey(key); });
}

// Runs `fn(MetadataTx&) -> StatusOr<T>` in a read transaction and returns its result.
template <typename Fn>
auto ReadValue(MetadataStore& store, Fn fn) -> decltype(fn(std::declval<MetadataTx&>())) {
  std::optional<decltype(fn(std::declval<MetadataTx&>()))> result;
  const Status status = store.Read([&](MetadataTx& tx) {
    result.emplace(fn(tx));
    return result->status();
  });
  if (!status.ok()) return status;
  return std::move(*result);
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& items) {
  std::vector<std::string> ids;
  for (const T& item : items) ids.push_back(item.id);
  return ids;
}

StatusOr<FeedbackSummary> Summarize(MetadataStore& store, const std::string& version_id) {
  return ReadValue(store, [&](MetadataTx& tx) { return tx.SummarizeFeedback(version_id); });
}

ModelFilter Filter(std::optional<std::string> task_type, std::optional<std::string> name_prefix) {
  ModelFilter filter;
  filter.task_type = std::move(task_type);
  filter.name_prefix = std::move(name_prefix);
  return filter;
}

StatusOr<Model> GetModel(MetadataStore& store, const std::string& id) {
  return ReadValue(store, [&](MetadataTx& tx) { return tx.GetModel(id); });
}

StatusOr<Page<Model>> ListModels(MetadataStore& store, const ModelFilter& filter,
                                 PageRequest page = {}) {
  return ReadValue(store, [&](MetadataTx& tx) { return tx.ListModels(filter, page); });
}

std::vector<std::string> ListedNames(MetadataStore& store, const ModelFilter& filter) {
  StatusOr<Page<Model>> page = ListModels(store, filter);
  EXPECT_OK(page);
  std::vector<std::string> names;
  if (!page.ok()) return names;
  for (const Model& model : page->items) names.push_back(model.name);
  EXPECT_EQ(page->total, static_cast<std::int64_t>(names.size()));
  return names;
}

// Schema and migrations

TEST_P(MetadataStoreConformanceTest, MigrateIsIdempotentAndRecordsTheSchemaVersion) {
  std::unique_ptr<MetadataStore> fresh = Open(NewLocation());
  ASSERT_NE(fresh, nullptr);
  EXPECT_OK(fresh->Ping());
  StatusOr<int> before = fresh->SchemaVersion();
  ASSERT_OK(before);
  EXPECT_EQ(*before, 0);

  ASSERT_OK(fresh->Migrate());
  ASSERT_OK(fresh->Migrate());
  StatusOr<int> after = fresh->SchemaVersion();
  ASSERT_OK(after);
  EXPECT_EQ(*after, GetParam().latest_schema_version);
  EXPECT_OK(Insert(*fresh, NewModel("after-migrate")));
}

TEST_P(MetadataStoreConformanceTest, StoresStartingTogetherBothMigrate) {
  const std::string location = NewLocation();
  std::unique_ptr<MetadataStore> first = Open(location);
  std::unique_ptr<MetadataStore> second = Open(location);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  Status first_status;
  Status second_status;
  std::thread a([&] { first_status = first->Migrate(); });
  std::thread b([&] { second_status = second->Migrate(); });
  a.join();
  b.join();
  EXPECT_OK(first_status);
  EXPECT_OK(second_status);
  StatusOr<int> version = second->SchemaVersion();
  ASSERT_OK(version);
  EXPECT_EQ(*version, GetParam().latest_schema_version);
}

// Models

TEST_P(MetadataStoreConformanceTest, ModelRoundTripsEveryField) {
  const Model full = NewModel("full");
  Model sparse = NewModel("sparse");
  sparse.description.reset();
  sparse.owner_id.reset();
  ASSERT_OK(Insert(*store_, full));
  ASSERT_OK(Insert(*store_, sparse));

  StatusOr<Model> got_full = GetModel(*store_, full.id);
  ASSERT_OK(got_full);
  EXPECT_EQ(Fields(*got_full), Fields(full));
  StatusOr<Model> got_sparse = GetModel(*store_, sparse.id);
  ASSERT_OK(got_sparse);
  EXPECT_EQ(Fields(*got_sparse), Fields(sparse));
}

TEST_P(MetadataStoreConformanceTest, GetMissingModelIsNotFound) {
  EXPECT_EQ(GetModel(*store_, NewUuid()).status().code(), StatusCode::kNotFound);
}

TEST_P(MetadataStoreConformanceTest, DuplicateModelNameOrIdIsConflict) {
  const Model first = NewModel("taken");
  ASSERT_OK(Insert(*store_, first));

  const Status same_name = Insert(*store_, NewModel("taken"));
  EXPECT_EQ(same_name.code(), StatusCode::kConflict);
  EXPECT_NE(same_name.message().find("'taken'"), std::string::npos) << same_name.message();

  Model same_id = NewModel("other");
  same_id.id = first.id;
  EXPECT_EQ(Insert(*store_, same_id).code(), StatusCode::kConflict);
}

TEST_P(MetadataStoreConformanceTest, ListModelsPagesInCreationOrderWithTotal) {
  // Inserted out of order; equal creation times are ordered by id.
  Model a = NewModel("a", 3000);
  Model b = NewModel("b", 1000);
  Model c = NewModel("c", 2000);
  Model d = NewModel("d", 2000);
  Model e = NewModel("e", 5000);
  c.id = "00000000-0000-4000-8000-000000000002";
  d.id = "00000000-0000-4000-8000-000000000001";
  for (const Model& model : {a, b, c, d, e}) ASSERT_OK(Insert(*store_, model));

  StatusOr<Page<Model>> all = ListModels(*store_, {});
  ASSERT_OK(all);
  EXPECT_EQ(Ids(all->items), (std::vector<std::string>{b.id, d.id, c.id, a.id, e.id}));
  EXPECT_EQ(all->total, 5);

  StatusOr<Page<Model>> middle = ListModels(*store_, {}, {.skip = 1, .limit = 2});
  ASSERT_OK(middle);
  EXPECT_EQ(Ids(middle->items), (std::vector<std::string>{d.id, c.id}));
  EXPECT_EQ(middle->total, 5);

  StatusOr<Page<Model>> past_end = ListModels(*store_, {}, {.skip = 10, .limit = 2});
  ASSERT_OK(past_end);
  EXPECT_TRUE(past_end->items.empty());
  EXPECT_EQ(past_end->total, 5);
}

TEST_P(MetadataStoreConformanceTest, ListModelsFiltersByTaskTypeAndLiteralPrefix) {
  TimestampMs t = 1000;
  for (const char* name : {"abc", "abd", "ab_x", "abXd", "Abc", "a%c", "aXc", "b", "ab"}) {
    ASSERT_OK(Insert(*store_, NewModel(name, t++, "text")));
  }
  ASSERT_OK(Insert(*store_, NewModel("abz", t++, "image")));

  using Names = std::vector<std::string>;
  EXPECT_EQ(ListedNames(*store_, Filter(std::nullopt, "ab")),
            (Names{"abc", "abd", "ab_x", "abXd", "ab", "abz"}));
  EXPECT_EQ(ListedNames(*store_, Filter(std::nullopt, "ab_")), (Names{"ab_x"}));
  EXPECT_EQ(ListedNames(*store_, Filter(std::nullopt, "a%")), (Names{"a%c"}));
  EXPECT_EQ(ListedNames(*store_, Filter(std::nullopt, "Ab")), (Names{"Abc"}));
  EXPECT_EQ(ListedNames(*store_, Filter(std::nullopt, "zz")), Names{});
  EXPECT_EQ(ListedNames(*store_, Filter("image", std::nullopt)), (Names{"abz"}));
  EXPECT_EQ(ListedNames(*store_, Filter("text", "abX")), (Names{"abXd"}));
  EXPECT_EQ(ListedNames(*store_, Filter("image", "b")), Names{});

  StatusOr<Page<Model>> page =
      ListModels(*store_, Filter(std::nullopt, "ab"), {.skip = 4, .limit = 1});
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "ab");
  EXPECT_EQ(page->total, 6);
}

TEST_P(MetadataStoreConformanceTest, UpdateModelRewritesAllButIdNameAndCreation) {
  const Model original = NewModel("stable", 1000);
  ASSERT_OK(Insert(*store_, original));

  Model changed = original;
  changed.name = "renamed";
  changed.created_at = 1;
  changed.description.reset();
  changed.task_type = "classification";
  changed.owner_id = "owner-2";
  changed.updated_at = 9000;
  ASSERT_OK(store_->Write([&](MetadataTx& tx) { return tx.UpdateModel(changed); }));

  StatusOr<Model> got = GetModel(*store_, original.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->name, "stable");
  EXPECT_EQ(got->created_at, 1000);
  EXPECT_EQ(got->description, std::nullopt);
  EXPECT_EQ(got->task_type, "classification");
  EXPECT_EQ(got->owner_id, "owner-2");
  EXPECT_EQ(got->updated_at, 9000);

  const Model missing = NewModel("missing");
  EXPECT_EQ(store_->Write([&](MetadataTx& tx) { return tx.UpdateModel(missing); }).code(),
            StatusCode::kNotFound);
}

// Versions

TEST_P(MetadataStoreConformanceTest, VersionRoundTripsAndIsFoundByVersionString) {
  const Model model = NewModel("m");
  ASSERT_OK(Insert(*store_, model));
  const ModelVersion full = NewVersion(model.id, "1.0");
  ModelVersion sparse = NewVersion(model.id, "2.0");
  sparse.description.reset();
  sparse.parameters.reset();
  sparse.metrics.reset();
  sparse.created_by_user_id.reset();
  ASSERT_OK(Insert(*store_, full));
  ASSERT_OK(Insert(*store_, sparse));

  for (const ModelVersion& expected : {full, sparse}) {
    StatusOr<ModelVersion> got =
        ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetVersion(expected.id); });
    ASSERT_OK(got);
    EXPECT_EQ(Fields(*got), Fields(expected));
  }
  StatusOr<std::optional<ModelVersion>> found =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.FindVersion(model.id, "2.0"); });
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, sparse.id);

  StatusOr<std::optional<ModelVersion>> absent =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.FindVersion(model.id, "3.0"); });
  ASSERT_OK(absent);
  EXPECT_FALSE(absent->has_value());
  EXPECT_EQ(
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetVersion(NewUuid()); }).status().code(),
      StatusCode::kNotFound);
}

TEST_P(MetadataStoreConformanceTest, EveryEnumValueRoundTrips) {
  const Model model = NewModel("enums");
  ASSERT_OK(Insert(*store_, model));
  int n = 0;
  auto round_trip = [&](auto set_field) {
    ModelVersion version = NewVersion(model.id, "v" + std::to_string(n++));
    set_field(version);
    ASSERT_OK(Insert(*store_, version));
    StatusOr<ModelVersion> got =
        ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetVersion(version.id); });
    ASSERT_OK(got);
    EXPECT_EQ(Fields(*got), Fields(version));
  };
  for (ModelVersionStatus status : AllValues<ModelVersionStatus>()) {
    round_trip([&](ModelVersion& v) { v.status = status; });
  }
  for (ModelFormat format : AllValues<ModelFormat>()) {
    round_trip([&](ModelVersion& v) { v.model_format = format; });
  }
  for (ServingInterface interface : AllValues<ServingInterface>()) {
    round_trip([&](ModelVersion& v) { v.interface_type = interface; });
  }
  for (Role role : AllRoles()) {
    const ApiKey key = NewKey(std::string(ToString(role)), role);
    ASSERT_OK(Insert(*store_, key));
    StatusOr<std::optional<ApiKey>> got =
        ReadValue(*store_, [&](MetadataTx& tx) { return tx.FindApiKeyByHash(key.key_hash); });
    ASSERT_OK(got);
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(Fields(**got), Fields(key));
  }
}

TEST_P(MetadataStoreConformanceTest, VersionStringIsUniqueWithinItsModelOnly) {
  const Model first = NewModel("first");
  const Model second = NewModel("second");
  ASSERT_OK(Insert(*store_, first));
  ASSERT_OK(Insert(*store_, second));
  ASSERT_OK(Insert(*store_, NewVersion(first.id, "1.0")));

  const Status duplicate = Insert(*store_, NewVersion(first.id, "1.0"));
  EXPECT_EQ(duplicate.code(), StatusCode::kConflict);
  EXPECT_NE(duplicate.message().find("'1.0'"), std::string::npos) << duplicate.message();
  EXPECT_OK(Insert(*store_, NewVersion(second.id, "1.0")));
}

TEST_P(MetadataStoreConformanceTest, VersionOfMissingModelIsNotFound) {
  EXPECT_EQ(Insert(*store_, NewVersion(NewUuid(), "1.0")).code(), StatusCode::kNotFound);
}

TEST_P(MetadataStoreConformanceTest, ListVersionsFiltersByStatusAndPagesInCreationOrder) {
  const Model model = NewModel("m");
  const Model other = NewModel("other");
  ASSERT_OK(Insert(*store_, model));
  ASSERT_OK(Insert(*store_, other));
  const ModelVersion v1 = NewVersion(model.id, "1", S::kStaging, 3000);
  const ModelVersion v2 = NewVersion(model.id, "2", S::kValidated, 1000);
  const ModelVersion v3 = NewVersion(model.id, "3", S::kStaging, 2000);
  const ModelVersion v4 = NewVersion(model.id, "4", S::kStaging, 4000);
  for (const ModelVersion& v : {v1, v2, v3, v4}) ASSERT_OK(Insert(*store_, v));
  ASSERT_OK(Insert(*store_, NewVersion(other.id, "1", S::kStaging, 500)));

  auto list = [&](const VersionFilter& filter, PageRequest page) {
    return ReadValue(*store_,
                     [&](MetadataTx& tx) { return tx.ListVersions(model.id, filter, page); });
  };
  StatusOr<Page<ModelVersion>> all = list({}, {});
  ASSERT_OK(all);
  EXPECT_EQ(Ids(all->items), (std::vector<std::string>{v2.id, v3.id, v1.id, v4.id}));
  EXPECT_EQ(all->total, 4);

  StatusOr<Page<ModelVersion>> staging = list({.status = S::kStaging}, {.skip = 1, .limit = 1});
  ASSERT_OK(staging);
  EXPECT_EQ(Ids(staging->items), (std::vector<std::string>{v1.id}));
  EXPECT_EQ(staging->total, 3);

  StatusOr<Page<ModelVersion>> archived = list({.status = S::kArchived}, {});
  ASSERT_OK(archived);
  EXPECT_TRUE(archived->items.empty());
  EXPECT_EQ(archived->total, 0);

  StatusOr<std::vector<ModelVersion>> validated = ReadValue(
      *store_, [&](MetadataTx& tx) { return tx.ListVersionsInStatus(model.id, S::kValidated); });
  ASSERT_OK(validated);
  EXPECT_EQ(Ids(*validated), (std::vector<std::string>{v2.id}));
}

TEST_P(MetadataStoreConformanceTest, AtMostOneProductionVersionPerModel) {
  const Model model = NewModel("m");
  const Model other = NewModel("other");
  ASSERT_OK(Insert(*store_, model));
  ASSERT_OK(Insert(*store_, other));
  const ModelVersion live = NewVersion(model.id, "1", S::kProduction);
  const ModelVersion next = NewVersion(model.id, "2", S::kValidated);
  ASSERT_OK(Insert(*store_, live));
  ASSERT_OK(Insert(*store_, next));
  EXPECT_OK(Insert(*store_, NewVersion(other.id, "1", S::kProduction)));

  const Status promote = store_->Write(
      [&](MetadataTx& tx) { return tx.SetVersionStatus(next.id, S::kProduction, 2000); });
  EXPECT_EQ(promote.code(), StatusCode::kConflict);
  EXPECT_NE(promote.message().find("PRODUCTION"), std::string::npos) << promote.message();
  EXPECT_EQ(Insert(*store_, NewVersion(model.id, "3", S::kProduction)).code(),
            StatusCode::kConflict);

  // Demoting the live version first in the same transaction is allowed.
  ASSERT_OK(store_->Write([&](MetadataTx& tx) {
    RETURN_IF_ERROR(tx.SetVersionStatus(live.id, S::kDeprecated, 2000));
    return tx.SetVersionStatus(next.id, S::kProduction, 2000);
  }));
  StatusOr<std::vector<ModelVersion>> production = ReadValue(
      *store_, [&](MetadataTx& tx) { return tx.ListVersionsInStatus(model.id, S::kProduction); });
  ASSERT_OK(production);
  ASSERT_EQ(Ids(*production), (std::vector<std::string>{next.id}));
  EXPECT_EQ((*production)[0].updated_at, 2000);
}

TEST_P(MetadataStoreConformanceTest, SetStatusOfMissingVersionIsNotFound) {
  EXPECT_EQ(store_
                ->Write([&](MetadataTx& tx) {
                  return tx.SetVersionStatus(NewUuid(), S::kArchived, 1000);
                })
                .code(),
            StatusCode::kNotFound);
}

TEST_P(MetadataStoreConformanceTest, VersionWithoutDeploymentsHasNoActiveOnes) {
  const Model model = NewModel("m");
  const ModelVersion version = NewVersion(model.id, "1");
  ASSERT_OK(Insert(*store_, model));
  ASSERT_OK(Insert(*store_, version));
  StatusOr<std::int64_t> count =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.CountActiveDeployments(version.id); });
  ASSERT_OK(count);
  EXPECT_EQ(*count, 0);
}

// Transactions

TEST_P(MetadataStoreConformanceTest, FailedWriteLeavesNothing) {
  const Model model = NewModel("doomed");
  const Status status = store_->Write([&](MetadataTx& tx) {
    RETURN_IF_ERROR(tx.InsertModel(model));
    return Conflict("changed my mind");
  });
  EXPECT_EQ(status.ToString(), "CONFLICT: changed my mind");
  EXPECT_EQ(GetModel(*store_, model.id).status().code(), StatusCode::kNotFound);
  EXPECT_OK(Insert(*store_, NewModel("doomed")));
}

TEST_P(MetadataStoreConformanceTest, ExceptionInWriteIsInternalAndLeavesNothing) {
  const Model model = NewModel("thrown");
  const Status status = store_->Write([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertModel(model));
    throw std::runtime_error("bug");
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(GetModel(*store_, model.id).status().code(), StatusCode::kNotFound);
}

TEST_P(MetadataStoreConformanceTest, ReadRejectsWrites) {
  const Model model = NewModel("sneaky");
  EXPECT_FALSE(store_->Read([&](MetadataTx& tx) { return tx.InsertModel(model); }).ok());
  EXPECT_EQ(GetModel(*store_, model.id).status().code(), StatusCode::kNotFound);
  EXPECT_OK(Insert(*store_, model));
}

TEST_P(MetadataStoreConformanceTest, DataSurvivesReopening) {
  const Model model = NewModel("durable");
  ASSERT_OK(Insert(*store_, model));
  store_.reset();

  store_ = Open(location_);
  ASSERT_NE(store_, nullptr);
  ASSERT_OK(store_->Migrate());
  StatusOr<Model> got = GetModel(*store_, model.id);
  ASSERT_OK(got);
  EXPECT_EQ(Fields(*got), Fields(model));
}

TEST_P(MetadataStoreConformanceTest, ConcurrentInsertsOfOneNameHaveOneWinner) {
  std::unique_ptr<MetadataStore> second = Open(location_);
  ASSERT_NE(second, nullptr);
  constexpr int kThreads = 16;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    MetadataStore& store = i % 2 == 0 ? *store_ : *second;
    threads.emplace_back([&, i] { results[i] = Insert(store, NewModel("contested")); });
  }
  for (std::thread& thread : threads) thread.join();

  int ok = 0;
  int conflict = 0;
  for (const Status& status : results) {
    if (status.ok()) ++ok;
    if (status.code() == StatusCode::kConflict) ++conflict;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflict, kThreads - 1);
}

TEST_P(MetadataStoreConformanceTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  Model counter = NewModel("counter");
  counter.description = "0";
  ASSERT_OK(Insert(*store_, counter));
  std::unique_ptr<MetadataStore> second = Open(location_);
  ASSERT_NE(second, nullptr);

  constexpr int kThreads = 8;
  constexpr int kIncrements = 20;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    MetadataStore& store = i % 2 == 0 ? *store_ : *second;
    threads.emplace_back([&] {
      for (int n = 0; n < kIncrements; ++n) {
        const Status status = store.Write([&](MetadataTx& tx) -> Status {
          ASSIGN_OR_RETURN(Model model, tx.GetModel(counter.id));
          model.description = std::to_string(std::stoi(model.description.value()) + 1);
          return tx.UpdateModel(model);
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures, 0);
  StatusOr<Model> got = GetModel(*store_, counter.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->description, std::to_string(kThreads * kIncrements));
}

// Feedback

TEST_P(MetadataStoreConformanceTest, FeedbackIsListedInSubmissionOrderAndSummarized) {
  const Model model = NewModel("m");
  const ModelVersion version = NewVersion(model.id, "1");
  const ModelVersion quiet = NewVersion(model.id, "2");
  ASSERT_OK(Insert(*store_, model));
  ASSERT_OK(Insert(*store_, version));
  ASSERT_OK(Insert(*store_, quiet));

  Feedback sparse = NewFeedback(version.id, std::nullopt, 4000);
  sparse.user_id.reset();
  sparse.generation_request_id.reset();
  sparse.comment.reset();
  const std::vector<Feedback> feedback = {
      NewFeedback(version.id, 5, 3000), NewFeedback(version.id, 4, 1000),
      NewFeedback(version.id, 4, 2000), sparse, NewFeedback(version.id, 1, 5000)};
  for (const Feedback& f : feedback) ASSERT_OK(Insert(*store_, f));

  StatusOr<Page<Feedback>> page = ReadValue(*store_, [&](MetadataTx& tx) {
    return tx.ListFeedback(version.id, {.skip = 1, .limit = 3});
  });
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(Fields(page->items[0]), Fields(feedback[2]));
  EXPECT_EQ(Fields(page->items[1]), Fields(feedback[0]));
  EXPECT_EQ(Fields(page->items[2]), Fields(sparse));

  StatusOr<FeedbackSummary> summary = Summarize(*store_, version.id);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->count, 5);
  ASSERT_TRUE(summary->average_rating.has_value());
  EXPECT_DOUBLE_EQ(*summary->average_rating, 3.5);
  EXPECT_EQ(std::vector<std::int64_t>(summary->rating_counts, summary->rating_counts + 5),
            (std::vector<std::int64_t>{1, 0, 0, 2, 1}));

  StatusOr<FeedbackSummary> none = Summarize(*store_, quiet.id);
  ASSERT_OK(none);
  EXPECT_EQ(none->count, 0);
  EXPECT_FALSE(none->average_rating.has_value());
}

TEST_P(MetadataStoreConformanceTest, UnratedFeedbackHasNoAverage) {
  const Model model = NewModel("m");
  const ModelVersion version = NewVersion(model.id, "1");
  ASSERT_OK(Insert(*store_, model));
  ASSERT_OK(Insert(*store_, version));
  ASSERT_OK(Insert(*store_, NewFeedback(version.id, std::nullopt)));
  ASSERT_OK(Insert(*store_, NewFeedback(version.id, std::nullopt)));

  StatusOr<FeedbackSummary> summary = Summarize(*store_, version.id);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->count, 2);
  EXPECT_FALSE(summary->average_rating.has_value());
}

TEST_P(MetadataStoreConformanceTest, FeedbackForMissingVersionIsNotFound) {
  EXPECT_EQ(Insert(*store_, NewFeedback(NewUuid(), 3)).code(), StatusCode::kNotFound);
}

// API keys

TEST_P(MetadataStoreConformanceTest, ApiKeysAreFoundByHashListedCountedAndDeleted) {
  const ApiKey admin = NewKey("admin", Role::kAdmin, 2000);
  const ApiKey viewer = NewKey("viewer", Role::kViewer, 1000);
  ASSERT_OK(Insert(*store_, admin));
  ASSERT_OK(Insert(*store_, viewer));

  ApiKey same_hash = NewKey("copy");
  same_hash.key_hash = admin.key_hash;
  EXPECT_EQ(Insert(*store_, same_hash).code(), StatusCode::kConflict);

  StatusOr<std::optional<ApiKey>> found =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.FindApiKeyByHash(admin.key_hash); });
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(Fields(**found), Fields(admin));
  StatusOr<std::optional<ApiKey>> unknown =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.FindApiKeyByHash("no-such-hash"); });
  ASSERT_OK(unknown);
  EXPECT_FALSE(unknown->has_value());

  StatusOr<Page<ApiKey>> listed =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.ListApiKeys({.skip = 0, .limit = 10}); });
  ASSERT_OK(listed);
  EXPECT_EQ(Ids(listed->items), (std::vector<std::string>{viewer.id, admin.id}));
  EXPECT_EQ(listed->total, 2);

  ASSERT_OK(store_->Write([&](MetadataTx& tx) { return tx.DeleteApiKey(viewer.id); }));
  EXPECT_EQ(store_->Write([&](MetadataTx& tx) { return tx.DeleteApiKey(viewer.id); }).code(),
            StatusCode::kNotFound);
  StatusOr<std::int64_t> count =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.CountApiKeys(); });
  ASSERT_OK(count);
  EXPECT_EQ(*count, 1);
}

}  // namespace
}  // namespace mlops
