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

TEST(ConfigTest, ValidationDefaults) {
  auto c = LoadConfig({});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->validation_trigger_on_upload);
  EXPECT_EQ(c->validation_workers, 2);
  EXPECT_EQ(c->default_validation_pipeline.size(), 5u);
  EXPECT_EQ(c->validation_required_scans,
            (std::vector<ScanType>{ScanType::kSecurityArtifact, ScanType::kFunctionalIo}));
  EXPECT_TRUE(c->validation_allow_warning);
  EXPECT_TRUE(c->validation_isolate_models);
  EXPECT_EQ(c->validation_scan_timeout_seconds, 600);
  EXPECT_EQ(c->test_only_scan_delay_ms, 0);
}

TEST(ConfigTest, ValidationPipelineAsJsonOrCommaList) {
  auto json = LoadConfig({{"DEFAULT_VALIDATION_PIPELINE_CONFIG",
                           R"({"scan_types": ["functional_io", "security_artifact"]})"},
                          {"ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER", "false"},
                          {"MLOPS_VALIDATION_REQUIRED_SCANS", "none"},
                          {"MLOPS_VALIDATION_ALLOW_WARNING", "false"},
                          {"MLOPS_VALIDATION_ISOLATE_MODELS", "false"},
                          {"MLOPS_VALIDATION_SCAN_TIMEOUT_SECONDS", "5"}});
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->default_validation_pipeline,
            (std::vector<ScanType>{ScanType::kFunctionalIo, ScanType::kSecurityArtifact}));
  EXPECT_FALSE(json->validation_trigger_on_upload);
  EXPECT_TRUE(json->validation_required_scans.empty());
  EXPECT_FALSE(json->validation_allow_warning);
  EXPECT_FALSE(json->validation_isolate_models);
  EXPECT_EQ(json->validation_scan_timeout_seconds, 5);

  auto list = LoadConfig({{"DEFAULT_VALIDATION_PIPELINE_CONFIG",
                           " content_safety , content_safety,security_container "}});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->default_validation_pipeline,
            (std::vector<ScanType>{ScanType::kContentSafety, ScanType::kSecurityContainer}));
}

TEST(ConfigTest, HttpReliabilitySettings) {
  auto defaults = LoadConfig({{"MLOPS_REQUEST_TIMEOUT_SECONDS", "7"}});
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->header_timeout_seconds, 7);  // follows the request timeout unless set
  EXPECT_EQ(defaults->min_body_bytes_per_second, 1024);
  EXPECT_EQ(defaults->min_body_rate_window_seconds, 30);
  EXPECT_EQ(defaults->drain_bytes, 4 << 20);
  EXPECT_EQ(defaults->drain_timeout_seconds, 2);
  EXPECT_EQ(defaults->min_free_disk_bytes, 128 << 20);

  auto set = LoadConfig({{"MLOPS_HTTP_HEADER_TIMEOUT_SECONDS", "3"},
                         {"MLOPS_HTTP_MIN_BODY_BYTES_PER_SECOND", "0"},
                         {"MLOPS_HTTP_MIN_BODY_RATE_WINDOW_SECONDS", "5"},
                         {"MLOPS_HTTP_DRAIN_BYTES", "65536"},
                         {"MLOPS_HTTP_DRAIN_TIMEOUT_SECONDS", "0"},
                         {"MLOPS_MIN_FREE_DISK_BYTES", "0"}});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->header_timeout_seconds, 3);
  EXPECT_EQ(set->min_body_bytes_per_second, 0);
  EXPECT_EQ(set->min_body_rate_window_seconds, 5);
  EXPECT_EQ(set->drain_bytes, 65536);
  EXPECT_EQ(set->drain_timeout_seconds, 0);
  EXPECT_EQ(set->min_free_disk_bytes, 0);
}

TEST(ConfigTest, LocalDataDirsAddTheSqliteDirectoryWhenElsewhere) {
  EXPECT_EQ(LoadConfig({{"MLOPS_DATA_DIR", "/d"}})->LocalDataDirs(),
            std::vector<std::string>{"/d"});
  EXPECT_EQ(LoadConfig({{"MLOPS_DATA_DIR", "/d"}, {"DATABASE_URL", "sqlite:/d/meta.db"}})
                ->LocalDataDirs(),
            std::vector<std::string>{"/d"});
  EXPECT_EQ(LoadConfig({{"MLOPS_DATA_DIR", "/d"}, {"DATABASE_URL", "sqlite:/db/meta.db"}})
                ->LocalDataDirs(),
            (std::vector<std::string>{"/d", "/db"}));
  EXPECT_EQ(LoadConfig({{"MLOPS_DATA_DIR", "/d"}, {"DATABASE_URL", "postgresql://h/db"}})
                ->LocalDataDirs(),
            std::vector<std::string>{"/d"});
}

TEST(ConfigTest, RejectsBadValuesNamingTheVariable) {
  for (auto env : std::vector<std::map<std::string, std::string>>{
           {{"SERVICE_PORT", "70000"}},
           {{"SERVICE_PORT", "80a"}},
           {{"MLOPS_ADMIN_API_KEY", "short"}},
           {{"DEFAULT_MODEL_STATUS_ON_UPLOAD", "PRODUCTION"}},
           {{"DATABASE_URL", "mysql://x"}},
           {{"DEFAULT_VALIDATION_PIPELINE_CONFIG", "security_artifact,virus_scan"}},
           {{"DEFAULT_VALIDATION_PIPELINE_CONFIG", R"({"scan_types": "functional_io"})"}},
           {{"DEFAULT_VALIDATION_PIPELINE_CONFIG", R"({"scan_types": [})"}},
           {{"ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER", "maybe"}},
           {{"MLOPS_VALIDATION_WORKERS", "-1"}},
           {{"MLOPS_VALIDATION_LEASE_SECONDS", "0"}},
           {{"MLOPS_VALIDATION_ISOLATE_MODELS", "sometimes"}},
           {{"MLOPS_VALIDATION_SCAN_TIMEOUT_SECONDS", "0"}},
           {{"MLOPS_VALIDATION_REQUIRED_SCANS", "functional_io,,"}},
           {{"MLOPS_HTTP_HEADER_TIMEOUT_SECONDS", "0"}},
           {{"MLOPS_HTTP_MIN_BODY_BYTES_PER_SECOND", "-1"}},
           {{"MLOPS_HTTP_MIN_BODY_RATE_WINDOW_SECONDS", "0"}},
           {{"MLOPS_HTTP_DRAIN_BYTES", "lots"}},
           {{"MLOPS_MIN_FREE_DISK_BYTES", "-5"}}}) {
    auto c = LoadConfig(env);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find(env.begin()->first), std::string::npos)
        << c.status().message();
  }
}

TEST(ConfigTest, SecurityScanLimits) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->scan_max_decompressed_bytes, std::int64_t{16} << 30);
  EXPECT_EQ(defaults->scan_max_nesting_depth, 4);
  auto set = LoadConfig(
      {{"MLOPS_SCAN_MAX_DECOMPRESSED_BYTES", "1048576"}, {"MLOPS_SCAN_MAX_NESTING_DEPTH", "2"}});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->scan_max_decompressed_bytes, 1048576);
  EXPECT_EQ(set->scan_max_nesting_depth, 2);
  for (auto env : std::vector<std::map<std::string, std::string>>{
           {{"MLOPS_SCAN_MAX_DECOMPRESSED_BYTES", "0"}}, {{"MLOPS_SCAN_MAX_NESTING_DEPTH", "0"}}}) {
    auto c = LoadConfig(env);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.status().message().find(env.begin()->first), std::string::npos);
  }
}

}  // namespace
}  // namespace mlops
