#include "store/metadata_store_factory.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace mlops {
namespace {

class MetadataStoreFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/factory_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
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

TEST_F(MetadataStoreFactoryTest, PostgresIsNotBuiltInYet) {
  for (const char* url : {"postgresql://u:pw@localhost/db", "postgres://localhost/db"}) {
    const Status status = OpenMetadataStore(url).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(status.message(), "PostgreSQL support is not built in yet");
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
