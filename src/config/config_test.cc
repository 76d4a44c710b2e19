#include "config/config.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

TEST(ConfigTest, DefaultsAreTheEmbeddedShape) {
  auto c = LoadConfig({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->service_port, 8000);
  EXPECT_EQ(c->EffectiveDatabaseUrl(), "sqlite:./mlops-data/mlops.db");
  EXPECT_EQ(c->max_artifact_bytes, 50LL << 30);
  EXPECT_EQ(c->default_status_on_upload, ModelVersionStatus::kPendingValidation);
}

TEST(ConfigTest, ReadsTheSeedsNamesAndAliases) {
  auto c = LoadConfig({{"SERVICE_PORT", "9001"},
                       {"MLOPS_DATA_DIR", "/d"},
                       {"MLOPS_DATABASE_URL", "postgresql://u@h/db"},
                       {"DEFAULT_MODEL_STATUS_ON_UPLOAD", "STAGING"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->service_port, 9001);
  EXPECT_EQ(c->EffectiveDatabaseUrl(), "postgresql://u@h/db");
  EXPECT_EQ(c->default_status_on_upload, ModelVersionStatus::kStaging);
}

TEST(ConfigTest, RejectsBadValuesNamingTheVariable) {
  for (auto env : std::vector<std::map<std::string, std::string>>{
           {{"SERVICE_PORT", "70000"}},
           {{"SERVICE_PORT", "80a"}},
           {{"MLOPS_ADMIN_API_KEY", "short"}},
           {{"DEFAULT_MODEL_STATUS_ON_UPLOAD", "PRODUCTION"}},
           {{"DATABASE_URL", "mysql://x"}}}) {
    auto c = LoadConfig(env);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find(env.begin()->first), std::string::npos)
        << c.status().message();
  }
}

}  // namespace
}  // namespace mlops
