// The conformance suite on models and versions (see metadata_store_conformance.h).
#include "store/metadata_store_conformance.h"

namespace mlops::conformance {
namespace {

using S = ModelVersionStatus;

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

}  // namespace
}  // namespace mlops::conformance
