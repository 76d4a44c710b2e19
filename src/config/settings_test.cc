#include "config/settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

namespace mlops {
namespace {

namespace fs = std::filesystem;

const Setting& Find(std::string_view name) {
  for (const Setting& s : Settings()) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no setting " + std::string(name));
}

// A file holding `content` in a fresh temporary directory, removed with it.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string pattern = (fs::temp_directory_path() / "mlops-settings-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    std::ofstream(path()) << content;
  }
  ~TempFile() { fs::remove_all(dir_); }
  std::string path() const { return dir_ + "/secret"; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

TEST(SettingsTest, NamesAndAliasesAreUniqueAndEachSettingIsDocumented) {
  std::set<std::string_view> names;
  for (const Setting& s : Settings()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    for (std::string_view alias : s.aliases) EXPECT_TRUE(names.insert(alias).second) << alias;
    EXPECT_FALSE(s.meaning.empty()) << s.name;
    EXPECT_FALSE(s.default_value.empty()) << s.name;
    EXPECT_FALSE(s.parser.accepts.empty()) << s.name;
    EXPECT_TRUE(s.parser.apply) << s.name;
  }
}

TEST(SettingsTest, CredentialsAreSecret) {
  for (std::string_view name : {"DATABASE_URL", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY",
                                "MLOPS_ADMIN_API_KEY", "SECURITY_SCANNER_API_KEY"}) {
    EXPECT_TRUE(Find(name).secret) << name;
  }
  EXPECT_FALSE(Find("SERVICE_PORT").secret);
}

// What the table documents as the default is what an unset variable gives: a literal default,
// set explicitly, leaves the whole Config as it was.
TEST(SettingsTest, EveryLiteralDefaultIsTheDefault) {
  const StatusOr<Config> defaults = LoadConfig({});
  ASSERT_TRUE(defaults.ok());
  int literal = 0;
  for (const Setting& s : Settings()) {
    if (!s.DefaultIsLiteral()) continue;
    ++literal;
    const StatusOr<Config> set = LoadConfig({{std::string(s.name), std::string(s.default_value)}});
    ASSERT_TRUE(set.ok()) << s.name << ": " << set.status().ToString();
    EXPECT_TRUE(*set == *defaults) << s.name << "=" << s.default_value << " is not the default";
  }
  EXPECT_GE(literal, 30);  // the check is not vacuous
}

// Each setting reaches the Config: some value other than the default changes it. The values are
// tried in turn, with those a "one of" setting lists, so that a new setting needs no entry here.
TEST(SettingsTest, EverySettingChangesTheConfig) {
  const Config defaults = *LoadConfig({});
  for (const Setting& s : Settings()) {
    std::vector<std::string> candidates = {"0",
                                           "1",
                                           "2",
                                           "true",
                                           "false",
                                           "/x",
                                           "a.b",
                                           "5MiB",
                                           "sqlite:/x.db",
                                           "none",
                                           "h:1",
                                           "functional_io",
                                           "0123456789abcdef-key"};
    constexpr std::string_view kOneOf = "one of ";
    if (s.parser.accepts.starts_with(kOneOf)) {
      std::string rest = s.parser.accepts.substr(kOneOf.size());
      for (std::size_t comma; (comma = rest.find(", ")) != std::string::npos;) {
        candidates.push_back(rest.substr(0, comma));
        rest = rest.substr(comma + 2);
      }
      candidates.push_back(rest);
    }
    bool changed = false;
    for (const std::string& candidate : candidates) {
      const StatusOr<Config> set = LoadConfig({{std::string(s.name), candidate}});
      changed = changed || (set.ok() && !(*set == defaults));
    }
    EXPECT_TRUE(changed) << "no value of " << s.name << " changes the Config";
  }
}

TEST(SettingsTest, BytesTakeBinaryUnits) {
  auto c = LoadConfig({{"MLOPS_MAX_ARTIFACT_BYTES", "2GiB"},
                       {"MLOPS_S3_PART_SIZE_BYTES", "6291456"},
                       {"MLOPS_MIN_FREE_DISK_BYTES", "512KiB"},
                       {"MLOPS_HTTP_DRAIN_BYTES", "100B"},
                       {"MLOPS_SCAN_MAX_DECOMPRESSED_BYTES", "1TiB"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_artifact_bytes, std::int64_t{2} << 30);
  EXPECT_EQ(c->s3_part_size_bytes, 6 << 20);
  EXPECT_EQ(c->min_free_disk_bytes, 512 << 10);
  EXPECT_EQ(c->drain_bytes, 100);
  EXPECT_EQ(c->scan_max_decompressed_bytes, std::int64_t{1} << 40);
  for (const char* bad : {"4MiB", "16 MiB", "16mib", "MiB", "-1MiB", "9999999999EiB", "1.5GiB"}) {
    auto r = LoadConfig({{"MLOPS_S3_PART_SIZE_BYTES", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("MLOPS_S3_PART_SIZE_BYTES"), std::string::npos);
    EXPECT_NE(r.status().message().find(std::string("'") + bad + "'"), std::string::npos)
        << r.status().message();
  }
}

TEST(SettingsTest, AliasesInOrderOfPrecedence) {
  EXPECT_EQ(LoadConfig({{"ALEMBIC_DATABASE_URL", "sqlite:/a.db"}})->database_url, "sqlite:/a.db");
  EXPECT_EQ(
      LoadConfig({{"ALEMBIC_DATABASE_URL", "sqlite:/a.db"}, {"MLOPS_DATABASE_URL", "sqlite:/m.db"}})
          ->database_url,
      "sqlite:/m.db");
  EXPECT_EQ(LoadConfig({{"ALEMBIC_DATABASE_URL", "sqlite:/a.db"},
                        {"MLOPS_DATABASE_URL", "sqlite:/m.db"},
                        {"DATABASE_URL", "sqlite:/d.db"}})
                ->database_url,
            "sqlite:/d.db");
  // An empty variable counts as unset.
  EXPECT_EQ(
      LoadConfig({{"DATABASE_URL", ""}, {"MLOPS_DATABASE_URL", "sqlite:/m.db"}})->database_url,
      "sqlite:/m.db");
}

TEST(SettingsTest, SecretsFromFiles) {
  TempFile key("from-a-file-0123456789\n");
  TempFile url("postgresql://u:pw@h/db\r\n");
  auto c = LoadConfig({{"MLOPS_ADMIN_API_KEY_FILE", key.path()},
                       {"MLOPS_DATABASE_URL_FILE", url.path()},
                       {"MINIO_SECRET_KEY_FILE", key.path()}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->admin_api_key, "from-a-file-0123456789");
  EXPECT_EQ(c->database_url, "postgresql://u:pw@h/db");
  EXPECT_EQ(c->s3_secret_key, "from-a-file-0123456789");

  // Only one trailing newline is the file's end; a value's own content is kept.
  TempFile spaced(" two lines\n\n");
  EXPECT_EQ(
      LoadConfig({{"SECURITY_SCANNER_API_KEY_FILE", spaced.path()}})->security_scanner_api_key,
      " two lines\n");

  // Settings that are not secret have no _FILE variant.
  EXPECT_EQ(LoadConfig({{"SERVICE_PORT_FILE", key.path()}})->service_port, 8000);
}

TEST(SettingsTest, SecretFileErrors) {
  TempFile key("from-a-file-0123456789\n");
  auto both = LoadConfig({{"MINIO_ACCESS_KEY", "x"}, {"MINIO_ACCESS_KEY_FILE", key.path()}});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(both.status().message().find("MINIO_ACCESS_KEY and MINIO_ACCESS_KEY_FILE"),
            std::string::npos)
      << both.status().message();

  const std::string missing = key.dir() + "/missing";
  auto unreadable = LoadConfig({{"DATABASE_URL_FILE", missing}});
  ASSERT_FALSE(unreadable.ok());
  EXPECT_NE(unreadable.status().message().find("DATABASE_URL_FILE"), std::string::npos);
  EXPECT_NE(unreadable.status().message().find(missing), std::string::npos)
      << unreadable.status().message();

  auto directory = LoadConfig({{"DATABASE_URL_FILE", key.dir()}});
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find(key.dir()), std::string::npos);

  TempFile empty("\n");
  auto blank = LoadConfig({{"MLOPS_ADMIN_API_KEY_FILE", empty.path()}});
  ASSERT_FALSE(blank.ok());
  EXPECT_NE(blank.status().message().find(empty.path()), std::string::npos);

  // A bad value read from a file names the variable and the file, not the value.
  TempFile short_key("tiny-k3y\n");
  auto invalid = LoadConfig({{"MLOPS_ADMIN_API_KEY_FILE", short_key.path()}});
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("MLOPS_ADMIN_API_KEY (from MLOPS_ADMIN_API_KEY_FILE)"),
            std::string::npos)
      << invalid.status().message();
  EXPECT_EQ(invalid.status().message().find("tiny-k3y"), std::string::npos);
}

TEST(SettingsTest, ErrorsNameTheVariableAndShowNoSecret) {
  auto url = LoadConfig({{"MLOPS_DATABASE_URL", "mysql://root:hunter2@db/x"}});
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("MLOPS_DATABASE_URL"), std::string::npos);
  EXPECT_NE(url.status().message().find("'mysql:"), std::string::npos) << url.status().message();
  EXPECT_EQ(url.status().message().find("hunter2"), std::string::npos) << url.status().message();

  auto key = LoadConfig({{"MLOPS_ADMIN_API_KEY", "tiny-k3y"}});
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("MLOPS_ADMIN_API_KEY"), std::string::npos);
  EXPECT_EQ(key.status().message().find("tiny-k3y"), std::string::npos) << key.status().message();

  // Every setting refuses this or takes it; a refusal names the variable and, unless secret,
  // the value.
  for (const Setting& s : Settings()) {
    const StatusOr<Config> c = LoadConfig({{std::string(s.name), "bogus-value-7f3a"}});
    if (c.ok()) continue;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find(s.name), std::string::npos) << c.status().message();
    EXPECT_EQ(c.status().message().find("bogus-value-7f3a") != std::string::npos, !s.secret)
        << c.status().message();
  }
}

TEST(SettingsTest, ListsDropEmptyItems) {
  auto c = LoadConfig({{"MLOPS_PICKLE_ALLOWED_GLOBALS", " a.b ,, c.d ,"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pickle_allowed_globals, (std::vector<std::string>{"a.b", "c.d"}));
}

TEST(SettingsTest, LogLevelIsChecked) {
  EXPECT_EQ(LoadConfig({{"LOG_LEVEL", "warn"}})->log_level, "warn");
  auto bad = LoadConfig({{"LOG_LEVEL", "loud"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("LOG_LEVEL must be one of"), std::string::npos);
}

}  // namespace
}  // namespace mlops
