#include "testing/test_stores.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

namespace mlops::test {
namespace {

template <typename T>
T ValueOrThrow(StatusOr<T> result, const char* what) {
  if (!result.ok()) throw std::runtime_error(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

}  // namespace

TestStores::TestStores(const std::string& prefix)
    : dir_(prefix),
      artifact_root_(dir_.path() / "artifacts"),
      metadata_(ValueOrThrow(SqliteMetadataStore::Open(dir_.File("metadata.db")),
                             "opening the SQLite store")),
      artifacts_(ValueOrThrow(FilesystemArtifactStore::Open(artifact_root_.string()),
                              "opening the filesystem store")),
      faulty_metadata_(*metadata_, faults_),
      faulty_artifacts_(*artifacts_, faults_) {
  Status migrated = metadata_->Migrate();
  if (!migrated.ok()) throw std::runtime_error("migrating: " + migrated.ToString());
}

Status TestStores::ExecSql(const std::string& sql) {
  sqlite3* db = nullptr;
  Status result;
  if (sqlite3_open(dir_.File("metadata.db").c_str(), &db) != SQLITE_OK) {
    result = Internal(std::string("opening the database: ") + sqlite3_errmsg(db));
  } else if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    result = Internal(sql + ": " + sqlite3_errmsg(db));
  }
  sqlite3_close(db);
  return result;
}

std::int64_t TestStores::CountRows(const std::string& table) {
  sqlite3* db = nullptr;
  std::int64_t count = -1;
  sqlite3_stmt* statement = nullptr;
  const std::string sql = "SELECT COUNT(*) FROM " + table;
  if (sqlite3_open(dir_.File("metadata.db").c_str(), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    count = sqlite3_column_int64(statement, 0);
  } else {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return count;
}

std::vector<std::string> TestStores::ArtifactFiles() const {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(artifact_root_)) {
    if (!entry.is_directory()) {
      files.push_back(std::filesystem::relative(entry.path(), artifact_root_).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace mlops::test
