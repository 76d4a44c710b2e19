#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlops::e2e {

// The black-box suite runs once per backend combination, chosen for the whole test binary by
// MLOPS_E2E_BACKENDS: "embedded" (the default: SQLite and the filesystem) or "postgres_s3" (the
// PostgreSQL cluster of MLOPS_TEST_POSTGRES_URL and the S3 server of MLOPS_TEST_S3_ENDPOINT, both
// started by scripts/run-tests.sh).
bool RunningOnPostgresS3();

// A metadata store and artifact buckets of one test's own, empty at the start: the server's
// data directory (SQLite file, artifact directory), or a fresh PostgreSQL database and fresh
// buckets. Read back directly, not through the service, so tests can check what it stored.
class TestStores {
 public:
  // Fails the test (ADD_FAILURE) and returns nullptr if the backends are not reachable.
  static std::unique_ptr<TestStores> Create(const std::string& data_dir);
  virtual ~TestStores() = default;

  // Variables that point a server at these stores.
  virtual std::map<std::string, std::string> ServerEnv() const = 0;
  // The buckets artifact paths and validation report paths start with.
  virtual std::string model_bucket() const = 0;
  virtual std::string reports_bucket() const = 0;
  // What the model bucket holds, as sorted "<bucket>/<key>" artifact paths; on the filesystem
  // also the temporaries in flight (".tmp/..."), which S3 does not list.
  virtual std::vector<std::string> StoredArtifacts() const = 0;
  // The stored bytes of an artifact path ("<bucket>/<key>"); "" if it is missing.
  virtual std::string ReadArtifact(const std::string& artifact_path) const = 0;
  // Stores an object behind the service's back, as a crash could leave it.
  virtual void PlantArtifact(const std::string& artifact_path, const std::string& bytes) const = 0;
  // Partial uploads left behind: temporary files on the filesystem. S3's pending multipart
  // uploads are not observable on the test server (s3rver cannot list them), so always empty there.
  virtual std::vector<std::string> Temporaries() const = 0;
};

}  // namespace mlops::e2e
