#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "artifacts/filesystem_artifact_store.h"
#include "store/sqlite/sqlite_metadata_store.h"
#include "testing/fault_injector.h"
#include "testing/faulty_artifact_store.h"
#include "testing/faulty_metadata_store.h"
#include "testing/temp_dir.h"

namespace mlops::test {

// Real stores in a fresh temporary directory, for service tests: a migrated SQLite metadata store
// and a filesystem artifact store, each also behind a fault-injecting wrapper; both wrappers share
// one FaultInjector. Give services metadata() and artifacts(); check what they left with
// real_metadata() and real_artifacts(), which count no calls and fail none. Not thread-safe to
// construct; the stores are as thread-safe as the real ones.
class TestStores {
 public:
  // `prefix` names the temporary directory. Throws (failing the test) if a store cannot be
  // opened or migrated.
  explicit TestStores(const std::string& prefix = "mlops-stores");

  MetadataStore& metadata() { return faulty_metadata_; }
  ArtifactStore& artifacts() { return faulty_artifacts_; }
  MetadataStore& real_metadata() { return *metadata_; }
  ArtifactStore& real_artifacts() { return *artifacts_; }
  FaultInjector& faults() { return faults_; }

  const TempDir& dir() const { return dir_; }
  // Runs SQL on the database file directly, on its own connection: rows no port method writes
  // (deployments, so far). INTERNAL with SQLite's message on failure.
  Status ExecSql(const std::string& sql);
  // The rows of `table`, counted on the database file directly; -1 (and a test failure) on error.
  std::int64_t CountRows(const std::string& table);

  // Every file under the artifact store's root, temporaries (".tmp/...") included, as sorted
  // paths relative to the root.
  std::vector<std::string> ArtifactFiles() const;

 private:
  TempDir dir_;
  std::filesystem::path artifact_root_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<FilesystemArtifactStore> artifacts_;
  FaultInjector faults_;
  FaultyMetadataStore faulty_metadata_;
  FaultyArtifactStore faulty_artifacts_;
};

}  // namespace mlops::test
