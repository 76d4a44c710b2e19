#include "store/metadata_store_factory.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/temp_dir.h"

namespace mlops {
namespace {

class MetadataStoreFactoryTest : public ::testing::Test {
 protected:
  const test::TempDir temp_{"factory"};
  const std::string dir_ = temp_.path().string();
};

TEST_F(MetadataStoreFactoryTest, OpensSqliteInBothSpellings) {
  for (const std::string& url : {"sqlite:" + dir_ + "/a.db", "sqlite://" + dir_ + "/b.db"}) {
    StatusOr<std::unique_ptr<MetadataStore>> store = OpenMetadataStore(url);
    ASSERT_TRUE(store.ok()) << url << ": " << store.status().ToString();
    EXPECT_TRUE((*store)->Migrate().ok()) << url;
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/a.db"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/b.db"));
}

TEST_F(MetadataStoreFactoryTest, RejectsInMemoryAndEmptySqlite) {
  EXPECT_EQ(OpenMetadataStore("sqlite::memory:").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenMetadataStore("sqlite:").status().code(), StatusCode::kInvalidArgument);
}

// Nothing listens on port 1: the store is UNAVAILABLE, or INVALID_ARGUMENT in a build without
// PostgreSQL; either way the password is not repeated. (Opening a live database is tested in
// postgres_metadata_store_test.cc.)
TEST_F(MetadataStoreFactoryTest, PostgresUrlsReachPostgresWithoutLeakingThePassword) {
  for (const char* url :
       {"postgresql://u:hunter2@127.0.0.1:1/db", "postgres://u:hunter2@127.0.0.1:1/db"}) {
    const Status status = OpenMetadataStore(url).status();
    EXPECT_TRUE(status.code() == StatusCode::kUnavailable ||
                status.message() == "PostgreSQL support was not built in (MLOPS_WITH_POSTGRES=OFF)")
        << url << ": " << status.ToString();
    EXPECT_EQ(status.message().find("hunter2"), std::string::npos) << status.message();
  }
}

TEST_F(MetadataStoreFactoryTest, UnknownSchemeIsNamedWithoutCredentials) {
  const Status status = OpenMetadataStore("mysql://root:hunter2@db:3306/x").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'mysql'"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("hunter2"), std::string::npos) << status.message();
  EXPECT_EQ(OpenMetadataStore("no-scheme").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mlops
