// The registry's rules over real SQLite and filesystem stores in a temporary directory, and what
// a failing metadata store leaves of each change (nothing, or all of it).
#include "services/registry_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time.h"
#include "common/uuid.h"
#include "domain/field_rules.h"
#include "services/validation_service.h"
#include "testing/test_stores.h"

namespace mlops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using S = ModelVersionStatus;
using test::ForEachInjectedFault;
using test::StoreCall;

std::vector<std::string> Names(const Page<Model>& page) {
  std::vector<std::string> names;
  for (const Model& m : page.items) names.push_back(m.name);
  return names;
}

std::vector<std::string> VersionStrings(const Page<ModelVersion>& page) {
  std::vector<std::string> strings;
  for (const ModelVersion& v : page.items) strings.push_back(v.version_string);
  return strings;
}

class RegistryServiceTest : public ::testing::Test {
 protected:
  Model Create(const std::string& name, const std::string& task_type = "classification") {
    StatusOr<Model> model = registry_.CreateModel({name, std::nullopt, task_type, std::nullopt});
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    return model.ok() ? *model : Model{};
  }

  // A version row as an upload would leave it, in `status`, written to the real store directly.
  ModelVersion AddVersion(const Model& model, const std::string& version_string, S status) {
    ModelVersion v;
    v.id = NewUuid();
    v.model_id = model.id;
    v.version_string = version_string;
    v.artifact_path = "models/models/" + model.id + "/" + version_string + "/m.onnx";
    v.model_format = ModelFormat::kOnnx;
    v.status = status;
    // Distinct creation times, so that lists come in the order of the calls.
    v.created_at = v.updated_at = NowMs() + (next_version_time_++);
    v.artifact_size_bytes = 1;
    v.artifact_sha256 = std::string(64, '0');
    EXPECT_TRUE(
        stores_.real_metadata().Write([&](MetadataTx& tx) { return tx.InsertVersion(v); }).ok());
    return v;
  }

  S StatusOf(const std::string& version_id) {
    auto v = ReadValue(stores_.real_metadata(),
                       [&](MetadataTx& tx) { return tx.GetVersion(version_id); });
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->status : S::kArchived;
  }

  // The deployment service does not exist yet: its row is written as it will be.
  void AddDeployment(const std::string& version_id, const std::string& status) {
    Status s = stores_.ExecSql(
        "INSERT INTO aimodeldeployments (id, model_version_id, environment, status, deployed_at, "
        "updated_at) VALUES ('" +
        NewUuid() + "', '" + version_id + "', 'prod', '" + status + "', 0, 0)");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  test::TestStores stores_{"mlops-registry"};
  TimestampMs next_version_time_ = 0;
  RegistryService registry_{stores_.metadata()};
};

TEST_F(RegistryServiceTest, CreateModelKeepsWhatItWasGiven) {
  StatusOr<Model> model =
      registry_.CreateModel({"resnet-50.v2", std::string("a CNN"), "image_classification", "u1"});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_FALSE(model->id.empty());
  EXPECT_GT(model->created_at, 0);
  EXPECT_EQ(model->created_at, model->updated_at);

  StatusOr<Model> read = registry_.GetModel(model->id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->name, "resnet-50.v2");
  EXPECT_EQ(read->description, "a CNN");
  EXPECT_EQ(read->task_type, "image_classification");
  EXPECT_EQ(read->owner_id, "u1");
}

TEST_F(RegistryServiceTest, CreateModelRejectsBadValuesAndStoresNothing) {
  const std::vector<NewModel> bad = {
      {"", std::nullopt, "classification", std::nullopt},
      {"-leading-dash", std::nullopt, "classification", std::nullopt},
      {"has space", std::nullopt, "classification", std::nullopt},
      {std::string(129, 'a'), std::nullopt, "classification", std::nullopt},
      {"ok", std::nullopt, "Upper_Case", std::nullopt},
      {"ok", std::nullopt, "", std::nullopt},
      {"ok", std::string(kMaxDescriptionChars + 1, 'd'), "classification", std::nullopt},
  };
  for (const NewModel& in : bad) {
    EXPECT_EQ(registry_.CreateModel(in).status().code(), StatusCode::kInvalidArgument)
        << in.name << " / " << in.task_type;
  }
  EXPECT_EQ(registry_.ListModels({}, {}).value().total, 0);
  // The longest name and description allowed are accepted.
  EXPECT_TRUE(registry_
                  .CreateModel({std::string(128, 'a'), std::string(kMaxDescriptionChars, 'd'),
                                "classification", std::nullopt})
                  .ok());
}

TEST_F(RegistryServiceTest, ADuplicateNameIsAConflictAndKeepsTheFirstModel) {
  const Model first = Create("dup", "classification");
  StatusOr<Model> second = registry_.CreateModel({"dup", std::nullopt, "detection", std::nullopt});
  EXPECT_EQ(second.status().code(), StatusCode::kConflict);
  Page<Model> all = registry_.ListModels({}, {}).value();
  ASSERT_EQ(all.total, 1);
  EXPECT_EQ(all.items[0].id, first.id);
  EXPECT_EQ(all.items[0].task_type, "classification");
}

TEST_F(RegistryServiceTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(registry_.GetModel(NewUuid()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_.UpdateModel(NewUuid(), {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_.GetVersion(NewUuid()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_.ListVersions(NewUuid(), {}, {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_.ChangeVersionStatus(NewUuid(), S::kArchived, TransitionActor::kUser)
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(RegistryServiceTest, ListModelsFiltersByTaskTypeAndLiteralPrefixAndPages) {
  Create("a_1", "classification");
  Create("ab1", "detection");
  Create("a_2", "detection");
  Create("b", "classification");

  // Models created within one millisecond are ordered by their random ids: compare as sets.
  EXPECT_THAT(Names(registry_.ListModels({}, {}).value()),
              UnorderedElementsAre("a_1", "ab1", "a_2", "b"));
  // '_' is a character of the prefix, not a LIKE wildcard.
  Page<Model> prefixed = registry_.ListModels({std::nullopt, "a_"}, {}).value();
  EXPECT_THAT(Names(prefixed), UnorderedElementsAre("a_1", "a_2"));
  EXPECT_EQ(prefixed.total, 2);
  EXPECT_THAT(Names(registry_.ListModels({"detection", std::nullopt}, {}).value()),
              UnorderedElementsAre("ab1", "a_2"));
  EXPECT_THAT(Names(registry_.ListModels({"classification", "a"}, {}).value()),
              UnorderedElementsAre("a_1"));

  // Pages follow the list's order and each reports every match.
  const std::vector<std::string> order = Names(registry_.ListModels({}, {}).value());
  Page<Model> page = registry_.ListModels({}, {1, 2}).value();
  EXPECT_THAT(Names(page), ElementsAre(order[1], order[2]));
  EXPECT_EQ(page.total, 4);
  Page<Model> past_end = registry_.ListModels({}, {10, 2}).value();
  EXPECT_TRUE(past_end.items.empty());
  EXPECT_EQ(past_end.total, 4);
}

TEST_F(RegistryServiceTest, UpdateModelChangesOnlyWhatThePatchNames) {
  StatusOr<Model> created =
      registry_.CreateModel({"m", std::string("old"), "classification", std::string("owner")});
  ASSERT_TRUE(created.ok());

  ModelPatch patch;
  patch.task_type = "detection";
  patch.clear_owner_id = true;
  StatusOr<Model> updated = registry_.UpdateModel(created->id, patch);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->description, "old");
  EXPECT_EQ(updated->owner_id, std::nullopt);
  EXPECT_EQ(updated->task_type, "detection");

  Model read = registry_.GetModel(created->id).value();
  EXPECT_EQ(read.name, "m");
  EXPECT_EQ(read.created_at, created->created_at);
  EXPECT_GE(read.updated_at, created->updated_at);
  EXPECT_EQ(read.description, "old");
  EXPECT_EQ(read.owner_id, std::nullopt);
  EXPECT_EQ(read.task_type, "detection");

  ModelPatch clear;
  clear.clear_description = true;
  clear.owner_id = "new-owner";
  ASSERT_TRUE(registry_.UpdateModel(created->id, clear).ok());
  read = registry_.GetModel(created->id).value();
  EXPECT_EQ(read.description, std::nullopt);
  EXPECT_EQ(read.owner_id, "new-owner");
}

TEST_F(RegistryServiceTest, UpdateModelRejectsBadValuesAndChangesNothing) {
  const Model model = Create("m");
  ModelPatch bad_type;
  bad_type.task_type = "not a type";
  bad_type.owner_id = "someone";
  EXPECT_EQ(registry_.UpdateModel(model.id, bad_type).status().code(),
            StatusCode::kInvalidArgument);
  ModelPatch long_description;
  long_description.description = std::string(kMaxDescriptionChars + 1, 'x');
  EXPECT_EQ(registry_.UpdateModel(model.id, long_description).status().code(),
            StatusCode::kInvalidArgument);
  Model read = registry_.GetModel(model.id).value();
  EXPECT_EQ(read.task_type, "classification");
  EXPECT_EQ(read.owner_id, std::nullopt);
  EXPECT_EQ(read.description, std::nullopt);
}

TEST_F(RegistryServiceTest, ListVersionsFiltersByStatusAndPagesWithinTheModel) {
  const Model model = Create("m");
  const Model other = Create("other");
  AddVersion(model, "1", S::kStaging);
  AddVersion(model, "2", S::kValidated);
  AddVersion(model, "3", S::kStaging);
  AddVersion(other, "1", S::kStaging);

  Page<ModelVersion> all = registry_.ListVersions(model.id, {}, {}).value();
  EXPECT_THAT(VersionStrings(all), ElementsAre("1", "2", "3"));
  Page<ModelVersion> staging = registry_.ListVersions(model.id, {S::kStaging}, {}).value();
  EXPECT_THAT(VersionStrings(staging), ElementsAre("1", "3"));
  EXPECT_EQ(staging.total, 2);
  Page<ModelVersion> second = registry_.ListVersions(model.id, {}, {1, 1}).value();
  EXPECT_THAT(VersionStrings(second), ElementsAre("2"));
  EXPECT_EQ(second.total, 3);
}

TEST_F(RegistryServiceTest, UserTransitionsFollowTheLifecycle) {
  const Model model = Create("m");
  const ModelVersion v = AddVersion(model, "1", S::kStaging);
  auto change = [&](S to) {
    return registry_.ChangeVersionStatus(v.id, to, TransitionActor::kUser).status();
  };

  // Only the pipeline decides validation.
  Status validated = change(S::kValidated);
  EXPECT_EQ(validated.code(), StatusCode::kConflict);
  EXPECT_THAT(validated.message(), HasSubstr("only by the validation pipeline"));
  EXPECT_EQ(change(S::kProduction).code(), StatusCode::kConflict);
  EXPECT_EQ(change(S::kStaging).code(), StatusCode::kConflict);  // no move to itself
  EXPECT_EQ(StatusOf(v.id), S::kStaging);

  StatusOr<ModelVersion> pending =
      registry_.ChangeVersionStatus(v.id, S::kPendingValidation, TransitionActor::kUser);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(pending->status, S::kPendingValidation);
  EXPECT_EQ(StatusOf(v.id), S::kPendingValidation);

  EXPECT_TRUE(
      registry_.ChangeVersionStatus(v.id, S::kValidated, TransitionActor::kValidationPipeline)
          .ok());
  EXPECT_TRUE(change(S::kProduction).ok());
  EXPECT_TRUE(change(S::kArchived).ok());
  // ARCHIVED is final.
  Status after_archive = change(S::kDeprecated);
  EXPECT_EQ(after_archive.code(), StatusCode::kConflict);
  EXPECT_THAT(after_archive.message(), HasSubstr("ARCHIVED is final"));
  EXPECT_EQ(StatusOf(v.id), S::kArchived);
}

TEST_F(RegistryServiceTest, PromotingToProductionDeprecatesOnlyThatModelsPreviousOne) {
  const Model model = Create("m");
  const Model other = Create("other");
  const ModelVersion v1 = AddVersion(model, "1", S::kProduction);
  const ModelVersion v2 = AddVersion(model, "2", S::kValidated);
  const ModelVersion elsewhere = AddVersion(other, "1", S::kProduction);

  StatusOr<ModelVersion> promoted =
      registry_.ChangeVersionStatus(v2.id, S::kProduction, TransitionActor::kUser);
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ(StatusOf(v1.id), S::kDeprecated);
  EXPECT_EQ(StatusOf(v2.id), S::kProduction);
  EXPECT_EQ(StatusOf(elsewhere.id), S::kProduction);

  // And back: the deprecated one returns, the current one steps down.
  ASSERT_TRUE(registry_.ChangeVersionStatus(v1.id, S::kProduction, TransitionActor::kUser).ok());
  EXPECT_EQ(StatusOf(v1.id), S::kProduction);
  EXPECT_EQ(StatusOf(v2.id), S::kDeprecated);
}

TEST_F(RegistryServiceTest, ArchivingADeployedVersionIsAConflict) {
  const Model model = Create("m");
  const ModelVersion live = AddVersion(model, "1", S::kProduction);
  const ModelVersion gone = AddVersion(model, "2", S::kDeprecated);
  AddDeployment(live.id, "ACTIVE");
  AddDeployment(gone.id, "DELETED");

  Status s = registry_.ChangeVersionStatus(live.id, S::kArchived, TransitionActor::kUser).status();
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_THAT(s.message(), HasSubstr("active deployment"));
  EXPECT_EQ(StatusOf(live.id), S::kProduction);
  // A deleted deployment does not hold its version.
  EXPECT_TRUE(registry_.ChangeVersionStatus(gone.id, S::kArchived, TransitionActor::kUser).ok());
}

// Crash safety: each call of each change fails in turn; a failed change leaves nothing of itself.

TEST_F(RegistryServiceTest, AFailedCreateLeavesNoModel) {
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    const std::string name = "m" + std::to_string(n);
    StatusOr<Model> model = registry_.CreateModel({name, std::nullopt, "classification", {}});
    if (stores_.faults().fired()) {
      EXPECT_EQ(model.status().code(), StatusCode::kUnavailable);
      EXPECT_EQ(registry_.ListModels({std::nullopt, name}, {}).value().total, 0) << "fault " << n;
    } else {
      EXPECT_TRUE(model.ok()) << model.status().ToString();
    }
  });
  EXPECT_EQ(faults, 3);  // the transaction, the insert, the commit
  EXPECT_EQ(registry_.ListModels({}, {}).value().total, 1);
}

TEST_F(RegistryServiceTest, AFailedUpdateChangesNothing) {
  const Model model = Create("m");
  ModelPatch patch;
  patch.description = "new";
  patch.task_type = "detection";
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    StatusOr<Model> updated = registry_.UpdateModel(model.id, patch);
    if (!stores_.faults().fired()) {
      EXPECT_TRUE(updated.ok()) << updated.status().ToString();
      return;
    }
    EXPECT_FALSE(updated.ok());
    Model read = registry_.GetModel(model.id).value();
    EXPECT_EQ(read.description, std::nullopt) << "fault " << n;
    EXPECT_EQ(read.task_type, "classification") << "fault " << n;
  });
  EXPECT_EQ(faults, 4);  // the transaction, the read, the update, the commit
  EXPECT_EQ(registry_.GetModel(model.id).value().task_type, "detection");
}

TEST_F(RegistryServiceTest, AFailedPromotionKeepsThePreviousProductionVersion) {
  const Model model = Create("m");
  const ModelVersion v1 = AddVersion(model, "1", S::kProduction);
  const ModelVersion v2 = AddVersion(model, "2", S::kValidated);
  std::vector<StoreCall> faulted;
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    StatusOr<ModelVersion> promoted =
        registry_.ChangeVersionStatus(v2.id, S::kProduction, TransitionActor::kUser);
    if (!stores_.faults().fired()) {
      EXPECT_TRUE(promoted.ok()) << promoted.status().ToString();
      return;
    }
    faulted.push_back(stores_.faults().fired_calls().at(0));
    EXPECT_FALSE(promoted.ok());
    // Not the previous one deprecated without the new one promoted (the fault after the first
    // SetVersionStatus), nor any other half.
    EXPECT_EQ(StatusOf(v1.id), S::kProduction) << "fault " << n;
    EXPECT_EQ(StatusOf(v2.id), S::kValidated) << "fault " << n;
  });
  EXPECT_EQ(faults, 6);
  EXPECT_EQ(std::count(faulted.begin(), faulted.end(), StoreCall::kTxMutation), 2);
  EXPECT_EQ(StatusOf(v1.id), S::kDeprecated);
  EXPECT_EQ(StatusOf(v2.id), S::kProduction);
}

TEST_F(RegistryServiceTest, MovingToPendingValidationQueuesTheRunInTheSameTransaction) {
  ValidationSettings settings;
  settings.default_pipeline = {ScanType::kSecurityArtifact, ScanType::kFunctionalIo};
  ValidationService validation(stores_.metadata(), stores_.artifacts(), settings);
  RegistryService registry(stores_.metadata(), &validation);
  const ModelVersion v = AddVersion(Create("m"), "1", S::kStaging);

  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    StatusOr<ModelVersion> moved =
        registry.ChangeVersionStatus(v.id, S::kPendingValidation, TransitionActor::kUser, "u1");
    if (!stores_.faults().fired()) {
      EXPECT_TRUE(moved.ok()) << moved.status().ToString();
      return;
    }
    EXPECT_FALSE(moved.ok());
    // Neither a pending version that no run will ever decide, nor a run for a staging version.
    EXPECT_EQ(StatusOf(v.id), S::kStaging) << "fault " << n;
    EXPECT_EQ(stores_.CountRows("validation_jobs"), 0) << "fault " << n;
    EXPECT_EQ(stores_.CountRows("aimodelvalidationresults"), 0) << "fault " << n;
  });
  EXPECT_GE(faults, 8);  // at least: transaction, read, move, 2 results, 2 jobs, commit
  EXPECT_EQ(StatusOf(v.id), S::kPendingValidation);
  EXPECT_EQ(stores_.CountRows("validation_jobs"), 2);
  EXPECT_EQ(stores_.CountRows("aimodelvalidationresults"), 2);
}

}  // namespace
}  // namespace mlops
