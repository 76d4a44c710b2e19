// Uploads over real SQLite and filesystem stores in a temporary directory: the checks made before
// any byte is stored, what a committed upload records, and that an upload failing at any step
// leaves no row and no visible object (DESIGN.md section 4).
#include "services/upload_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "common/sha256.h"
#include "common/uuid.h"
#include "domain/field_rules.h"
#include "services/model_artifact_key.h"
#include "services/orphan_artifact_sweeper.h"
#include "services/registry_service.h"
#include "testing/temp_dir.h"
#include "testing/test_stores.h"

namespace mlops {
namespace {

using test::ForEachInjectedFault;
using test::InjectedFault;
using test::StoreCall;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using S = ModelVersionStatus;

constexpr char kBucket[] = "models";
constexpr std::int64_t kMaxBytes = 1 << 10;

class UploadServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = RegistryService(stores_.real_metadata())
                 .CreateModel({"m", std::nullopt, "classification", std::nullopt})
                 .value();
  }

  UploadService Service(S initial = S::kStaging, ValidationService* validation = nullptr) {
    return UploadService(stores_.metadata(), stores_.artifacts(),
                         UploadSettings{kBucket, kMaxBytes, initial}, validation);
  }

  static NewVersion Version(const std::string& version_string) {
    NewVersion in;
    in.version_string = version_string;
    in.model_format = ModelFormat::kOnnx;
    return in;
  }

  // Begin, write `chunks`, commit; the first error of any step.
  StatusOr<ModelVersion> Upload(UploadService& service, const std::string& version_string,
                                const std::vector<std::string>& chunks,
                                const std::string& file_name = "model.onnx") {
    ASSIGN_OR_RETURN(auto upload,
                     service.Begin(model_.id, Version(version_string), file_name, "uploader"));
    for (const std::string& chunk : chunks) RETURN_IF_ERROR(upload->Write(chunk));
    return upload->Commit();
  }

  std::optional<ModelVersion> FindVersion(const std::string& version_string) {
    auto found = ReadValue(stores_.real_metadata(), [&](MetadataTx& tx) {
      return tx.FindVersion(model_.id, version_string);
    });
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }

  std::string ReadObject(const std::string& key) {
    auto reader = stores_.real_artifacts().Open(kBucket, key, 0, std::nullopt);
    if (!reader.ok()) return "<" + reader.status().ToString() + ">";
    std::string all;
    while (true) {
      StatusOr<std::string> chunk = (*reader)->Read(1 << 16);
      if (!chunk.ok() || chunk->empty()) return all;
      all += *chunk;
    }
  }

  std::string Key(const std::string& version_string, const std::string& file = "model.onnx") {
    return ModelArtifactKey(model_.id, version_string, file);
  }
  // Where the store keeps an object, relative to its root (as ArtifactFiles() lists it).
  std::string File(const std::string& version_string) {
    return std::string(kBucket) + "/" + Key(version_string);
  }

  test::TestStores stores_{"mlops-upload"};
  Model model_;
};

TEST_F(UploadServiceTest, ACommittedUploadRecordsTheArtifactItStored) {
  UploadService service = Service(S::kStaging);
  NewVersion in = Version("1.0");
  in.description = "first";
  in.parameters = R"({"lr":0.1})";
  auto upload = service.Begin(model_.id, in, "../weights/My Model!.onnx", "uploader");
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  ASSERT_TRUE((*upload)->Write("hello ").ok());
  ASSERT_TRUE((*upload)->Write("world").ok());
  StatusOr<ModelVersion> version = (*upload)->Commit();
  ASSERT_TRUE(version.ok()) << version.status().ToString();

  // The file name is reduced to a safe base name.
  const std::string key = Key("1.0", "My_Model_.onnx");
  EXPECT_EQ(version->artifact_path, std::string(kBucket) + "/" + key);
  EXPECT_EQ(version->artifact_size_bytes, 11);
  EXPECT_EQ(version->artifact_sha256, Sha256Hex("hello world"));
  EXPECT_EQ(version->status, S::kStaging);
  EXPECT_EQ(version->created_by_user_id, "uploader");
  EXPECT_EQ(ReadObject(key), "hello world");

  std::optional<ModelVersion> stored = FindVersion("1.0");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, version->id);
  EXPECT_EQ(stored->artifact_path, version->artifact_path);
  EXPECT_EQ(stored->artifact_sha256, version->artifact_sha256);
  EXPECT_EQ(stored->description, "first");
  EXPECT_EQ(stored->parameters, R"({"lr":0.1})");
  EXPECT_EQ(stored->model_format, ModelFormat::kOnnx);
  EXPECT_THAT(stores_.ArtifactFiles(), ElementsAre(std::string(kBucket) + "/" + key));
}

TEST_F(UploadServiceTest, BeginChecksTheRequestBeforeStoringAnything) {
  UploadService service = Service();
  ASSERT_TRUE(Upload(service, "taken", {"x"}).ok());
  const auto files_before = stores_.ArtifactFiles();

  auto begin = [&](const std::string& model_id, const NewVersion& in, const std::string& file) {
    return service.Begin(model_id, in, file, std::nullopt).status().code();
  };
  EXPECT_EQ(begin(model_.id, Version(""), "m.onnx"), StatusCode::kInvalidArgument);
  EXPECT_EQ(begin(model_.id, Version("1 0"), "m.onnx"), StatusCode::kInvalidArgument);
  EXPECT_EQ(begin(model_.id, Version(std::string(65, '1')), "m.onnx"),
            StatusCode::kInvalidArgument);
  NewVersion long_description = Version("2");
  long_description.description = std::string(kMaxDescriptionChars + 1, 'd');
  EXPECT_EQ(begin(model_.id, long_description, "m.onnx"), StatusCode::kInvalidArgument);
  EXPECT_EQ(begin(model_.id, Version("2"), ".."), StatusCode::kInvalidArgument);
  EXPECT_EQ(begin(model_.id, Version("2"), "dir/"), StatusCode::kInvalidArgument);
  EXPECT_EQ(begin(NewUuid(), Version("2"), "m.onnx"), StatusCode::kNotFound);
  EXPECT_EQ(begin(model_.id, Version("taken"), "m.onnx"), StatusCode::kConflict);

  EXPECT_EQ(stores_.faults().calls(StoreCall::kBeginWrite), 1);  // the first upload's only
  EXPECT_EQ(stores_.ArtifactFiles(), files_before);
  EXPECT_EQ(stores_.CountRows("aimodelversions"), 1);
}

TEST_F(UploadServiceTest, AnEmptyOrOversizedArtifactIsRefusedAndLeavesNothing) {
  UploadService service = Service();
  EXPECT_EQ(Upload(service, "empty", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Upload(service, "big", {std::string(kMaxBytes, 'a'), "b"}).status().code(),
            StatusCode::kTooLarge);
  EXPECT_EQ(stores_.CountRows("aimodelversions"), 0);
  EXPECT_THAT(stores_.ArtifactFiles(), IsEmpty());
  // Exactly the limit is allowed.
  EXPECT_TRUE(Upload(service, "limit", {std::string(kMaxBytes, 'a')}).ok());
}

TEST_F(UploadServiceTest, AnAbandonedUploadLeavesNothing) {
  UploadService service = Service();
  {
    auto upload = service.Begin(model_.id, Version("1"), "m.onnx", std::nullopt);
    ASSERT_TRUE(upload.ok());
    ASSERT_TRUE((*upload)->Write("partial").ok());
    EXPECT_EQ(stores_.ArtifactFiles().size(), 1u);  // its temporary
  }
  EXPECT_THAT(stores_.ArtifactFiles(), IsEmpty());
  EXPECT_EQ(stores_.CountRows("aimodelversions"), 0);
}

TEST_F(UploadServiceTest, OfTwoUploadsOfOneVersionTheSecondToCommitIsAConflictAndChangesNothing) {
  UploadService service = Service();
  auto first = service.Begin(model_.id, Version("1"), "model.onnx", std::nullopt);
  auto second = service.Begin(model_.id, Version("1"), "model.onnx", std::nullopt);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE((*first)->Write("first bytes").ok());
  ASSERT_TRUE((*second)->Write("second bytes").ok());
  StatusOr<ModelVersion> committed = (*first)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ((*second)->Commit().status().code(), StatusCode::kConflict);
  second->reset();

  EXPECT_EQ(FindVersion("1")->id, committed->id);
  EXPECT_EQ(ReadObject(Key("1")), "first bytes");
  EXPECT_THAT(stores_.ArtifactFiles(), ElementsAre(File("1")));
}

TEST_F(UploadServiceTest, AnUploadInPendingValidationQueuesTheDefaultPipeline) {
  ValidationSettings settings;
  settings.default_pipeline = {ScanType::kSecurityArtifact, ScanType::kFunctionalIo};
  ValidationService validation(stores_.metadata(), stores_.artifacts(), settings);
  UploadService pending = Service(S::kPendingValidation, &validation);
  UploadService staging = Service(S::kStaging, &validation);

  ASSERT_TRUE(Upload(staging, "staged", {"x"}).ok());
  EXPECT_EQ(stores_.CountRows("validation_jobs"), 0);  // waits for an explicit trigger
  StatusOr<ModelVersion> v = Upload(pending, "pending", {"x"});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  auto jobs = ReadValue(stores_.real_metadata(),
                        [&](MetadataTx& tx) { return tx.ListOpenValidationJobs(v->id); });
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].scan_type, ScanType::kSecurityArtifact);
  EXPECT_EQ((*jobs)[1].scan_type, ScanType::kFunctionalIo);
}

// Crash safety. Each store call an upload makes, from Begin to Commit, fails in turn: the upload
// fails and leaves no version row, no validation run, and no object, published or temporary
// (the writer removes its temporary when the failed upload is destroyed).
TEST_F(UploadServiceTest, AnUploadFailingAtAnyStepLeavesNoRowAndNoObject) {
  ValidationSettings settings;
  settings.default_pipeline = {ScanType::kSecurityArtifact, ScanType::kFunctionalIo};
  ValidationService validation(stores_.metadata(), stores_.artifacts(), settings);
  UploadService service = Service(S::kPendingValidation, &validation);

  std::set<StoreCall> faulted;
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    StatusOr<ModelVersion> v = Upload(service, "v" + std::to_string(n), {"chunk one", "chunk two"});
    if (!stores_.faults().fired()) {
      ASSERT_TRUE(v.ok()) << v.status().ToString();
      return;
    }
    const StoreCall call = stores_.faults().fired_calls().at(0);
    faulted.insert(call);
    SCOPED_TRACE("fault " + std::to_string(n) + " at " + std::string(test::StoreCallName(call)));
    EXPECT_EQ(v.status().code(), StatusCode::kUnavailable);
    EXPECT_FALSE(FindVersion("v" + std::to_string(n)).has_value()) << "fault " << n;
    EXPECT_EQ(stores_.CountRows("aimodelversions"), 0) << "fault " << n;
    EXPECT_EQ(stores_.CountRows("validation_jobs"), 0) << "fault " << n;
    EXPECT_EQ(stores_.CountRows("aimodelvalidationresults"), 0) << "fault " << n;
    EXPECT_THAT(stores_.ArtifactFiles(), IsEmpty()) << "fault " << n;
  });
  // Begin: read tx, model, version; BeginWrite; 2 chunks; Finish; write tx, model, version,
  // insert, 2 results and 2 jobs (at least), publish, commit.
  EXPECT_GE(faults, 17);
  EXPECT_THAT(faulted,
              IsSupersetOf({StoreCall::kReadTx, StoreCall::kBeginWrite, StoreCall::kWriteChunk,
                            StoreCall::kFinish, StoreCall::kWriteTx, StoreCall::kTxMutation,
                            StoreCall::kPublish, StoreCall::kCommit}));
  EXPECT_EQ(stores_.CountRows("aimodelversions"), 1);
  EXPECT_EQ(stores_.ArtifactFiles().size(), 1u);
}

// The commit fails after the object was published and removing it fails too (as a crash between
// publish and COMMIT would leave it): the object is an orphan with no row, and the start-up sweep
// removes it and nothing else.
TEST_F(UploadServiceTest, AnObjectLeftByAFailedCommitIsRemovedByTheOrphanSweep) {
  UploadService service = Service();
  ASSERT_TRUE(Upload(service, "kept", {"kept bytes"}).ok());

  stores_.faults().FailNth(1, InjectedFault(), StoreCall::kCommit);
  stores_.faults().FailNth(1, InjectedFault(), StoreCall::kDelete);
  EXPECT_EQ(Upload(service, "lost", {"lost bytes"}).status().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(stores_.faults().fired());
  EXPECT_FALSE(FindVersion("lost").has_value());
  EXPECT_THAT(stores_.ArtifactFiles(), ElementsAre(File("kept"), File("lost")));

  OrphanArtifactSweeper sweeper(stores_.real_metadata(), stores_.real_artifacts(),
                                {kBucket, std::chrono::seconds(0)});
  StatusOr<int> removed = sweeper.Sweep();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 1);
  EXPECT_THAT(stores_.ArtifactFiles(), ElementsAre(File("kept")));
  EXPECT_EQ(ReadObject(Key("kept")), "kept bytes");
}

// The commit took effect but its reply was lost: the upload reports the failure, and the version
// it recorded keeps its artifact (it is complete, not a row pointing at nothing).
TEST_F(UploadServiceTest, AnUploadWhoseCommitReplyIsLostKeepsTheArtifactOfItsRow) {
  UploadService service = Service();
  stores_.faults().FailNth(1, InjectedFault(), StoreCall::kCommitReply);
  EXPECT_EQ(Upload(service, "1", {"committed bytes"}).status().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(stores_.faults().fired());
  std::optional<ModelVersion> stored = FindVersion("1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(ReadObject(Key("1")), "committed bytes");
  EXPECT_EQ(stored->artifact_sha256, Sha256Hex("committed bytes"));
  // A retry is told that the version exists.
  EXPECT_EQ(Upload(service, "1", {"committed bytes"}).status().code(), StatusCode::kConflict);
}

// A failed commit removes the object it published. Another upload of the same version may commit
// between that failure and the removal: the removal must not take the other upload's artifact,
// or the other's committed row would point at nothing.
TEST_F(UploadServiceTest, CleaningUpAFailedCommitKeepsTheArtifactOfAnUploadThatCommittedSince) {
  UploadService service = Service();
  std::optional<StatusOr<ModelVersion>> other;
  // The failing upload's calls: Begin's read transaction, model and version lookups (3), the
  // writer's begin, write and finish (6), the commit's transaction, lookups, insert and publish
  // (11), the failing commit (12). The other upload runs before the 13th, the clean-up's first.
  stores_.faults().FailNth(12, InjectedFault());
  stores_.faults().RunBeforeNth(13, [&] { other = Upload(service, "1", {"other bytes"}); });

  EXPECT_EQ(Upload(service, "1", {"failed bytes"}).status().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(stores_.faults().fired());
  EXPECT_EQ(stores_.faults().fired_calls().at(0), StoreCall::kCommit);
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(other->ok()) << other->status().ToString();
  std::optional<ModelVersion> stored = FindVersion("1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, (*other)->id);
  EXPECT_EQ(ReadObject(Key("1")), "other bytes");
  EXPECT_THAT(stores_.ArtifactFiles(), ElementsAre(File("1")));
}

// A real crash at each step: a child process runs the upload and dies (_exit, no destructors, no
// clean-up) just before its nth store call. What it leaves must be what the start-up sweeps
// remove: no version row, and only temporaries (SweepTemporaries) or a published object without
// a row (the orphan sweep). The parent holds no store while it forks, so no lock is inherited.
TEST(UploadCrashTest, ACrashAtAnyStepLeavesOnlyWhatTheStartUpSweepsRemove) {
  test::TempDir dir("mlops-upload-crash");
  const std::string db = dir.File("metadata.db");
  const std::string root = dir.File("artifacts");
  struct Stores {
    std::unique_ptr<SqliteMetadataStore> metadata;
    std::unique_ptr<FilesystemArtifactStore> artifacts;
  };
  auto open = [&] {
    Stores s{SqliteMetadataStore::Open(db).value(), FilesystemArtifactStore::Open(root).value()};
    if (!s.metadata->Migrate().ok()) throw std::runtime_error("migrate");
    return s;
  };
  std::string model_id;
  {
    Stores s = open();
    model_id = RegistryService(*s.metadata)
                   .CreateModel({"m", std::nullopt, "classification", std::nullopt})
                   .value()
                   .id;
  }

  constexpr int kCrashed = 42, kCommitted = 43, kFailed = 44;
  bool left_a_temporary = false, left_an_orphan = false;
  int n = 1;
  for (;; ++n) {
    ASSERT_LT(n, 100) << "the upload never completed";
    const pid_t child = ::fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
      Stores s = open();
      test::FaultInjector faults;
      test::FaultyMetadataStore metadata(*s.metadata, faults);
      test::FaultyArtifactStore artifacts(*s.artifacts, faults);
      faults.RunBeforeNth(n, [] { ::_exit(kCrashed); });
      UploadService service(metadata, artifacts, UploadSettings{kBucket, kMaxBytes, S::kStaging});
      auto upload = service.Begin(model_id, NewVersion{"1"}, "model.onnx", std::nullopt);
      bool ok = upload.ok() && (*upload)->Write("first").ok() && (*upload)->Write("second").ok();
      ok = ok && (*upload)->Commit().ok();
      ::_exit(ok ? kCommitted : kFailed);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "crash point " << n << ": status " << status;
    const int code = WEXITSTATUS(status);
    ASSERT_TRUE(code == kCrashed || code == kCommitted) << "crash point " << n << ": " << code;

    Stores s = open();
    auto version =
        ReadValue(*s.metadata, [&](MetadataTx& tx) { return tx.FindVersion(model_id, "1"); });
    ASSERT_TRUE(version.ok()) << version.status().ToString();
    if (code == kCommitted) {
      ASSERT_TRUE(version->has_value());
      EXPECT_TRUE(s.artifacts->Stat(kBucket, ModelArtifactKey(model_id, "1", "model.onnx")).ok());
      break;
    }
    EXPECT_FALSE(version->has_value()) << "crash point " << n;
    int published = 0;
    ASSERT_TRUE(s.artifacts
                    ->ListObjects(kBucket, "",
                                  [&](const ListedObject&) {
                                    ++published;
                                    return OkStatus();
                                  })
                    .ok());
    left_an_orphan = left_an_orphan || published > 0;
    left_a_temporary = left_a_temporary || !std::filesystem::is_empty(root + "/.tmp");

    ASSERT_TRUE(s.artifacts->SweepTemporaries().ok());
    StatusOr<int> removed =
        OrphanArtifactSweeper(*s.metadata, *s.artifacts, {kBucket, std::chrono::seconds(0)})
            .Sweep();
    ASSERT_TRUE(removed.ok()) << removed.status().ToString();
    EXPECT_EQ(*removed, published) << "crash point " << n;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      EXPECT_TRUE(entry.is_directory()) << "crash point " << n << " left " << entry.path();
    }
  }
  EXPECT_GE(n, 12);  // a crash point before each of the upload's store calls, then none
  EXPECT_TRUE(left_a_temporary);
  EXPECT_TRUE(left_an_orphan);  // the crash between the publish and the COMMIT
}

}  // namespace
}  // namespace mlops
