#include "config/settings_docs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/settings.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;

constexpr char kRegenerate[] = "out of date: run `make settings-docs` and commit the result";

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(MLOPS_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "" if `actual` is `expected`, else where they first differ, line by line.
std::string FirstDifference(const std::string& actual, const std::string& expected) {
  std::istringstream a(actual);
  std::istringstream e(expected);
  std::string line_a;
  std::string line_e;
  for (int n = 1;; ++n) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_e = static_cast<bool>(std::getline(e, line_e));
    if (!more_a && !more_e) return actual == expected ? "" : "they differ in the last newline";
    if (!more_a || !more_e || line_a != line_e) {
      return "line " + std::to_string(n) + " is\n  " + (more_a ? line_a : "(missing)") +
             "\nnot\n  " + (more_e ? line_e : "(missing)");
    }
  }
}

// Every name the service reads: settings, their aliases, and the secrets' _FILE variants.
std::set<std::string> KnownVariables() {
  std::set<std::string> names;
  for (const Setting& s : Settings()) {
    std::vector<std::string_view> all = {s.name};
    all.insert(all.end(), s.aliases.begin(), s.aliases.end());
    for (std::string_view name : all) {
      names.emplace(name);
      if (s.secret) names.insert(std::string(name) + "_FILE");
    }
  }
  return names;
}

TEST(SettingsDocsTest, CommittedEnvExampleIsCurrent) {
  EXPECT_EQ(FirstDifference(ReadSourceFile(".env.example"), EnvExample()), "")
      << ".env.example " << kRegenerate;
}

TEST(SettingsDocsTest, ReadmeTablesAreCurrent) {
  const std::string readme = ReadSourceFile("README.md");
  const std::size_t begin = readme.find(std::string("\n") + kMarkdownBegin + "\n");
  const std::size_t end = readme.find(std::string("\n") + kMarkdownEnd + "\n");
  ASSERT_NE(begin, std::string::npos) << "README.md has no line " << kMarkdownBegin;
  ASSERT_NE(end, std::string::npos) << "README.md has no line " << kMarkdownEnd;
  ASSERT_LT(begin, end);
  EXPECT_EQ(FirstDifference(readme.substr(begin + 1, end + std::strlen(kMarkdownEnd) + 1 - begin),
                            SettingsMarkdown()),
            "")
      << "README.md's settings tables " << kRegenerate;
}

// Each setting has one README row with its default; each row of a settings table names one.
TEST(SettingsDocsTest, ReadmeHasOneRowPerSettingWithItsDefault) {
  const std::string readme = ReadSourceFile("README.md");
  const std::regex row(R"(^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \|)");
  std::map<std::string, std::string> rows;
  std::istringstream lines(readme);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    EXPECT_TRUE(rows.emplace(m[1], m[2]).second) << "two README rows for " << m[1];
  }
  for (const Setting& s : Settings()) {
    const auto it = rows.find(std::string(s.name));
    ASSERT_NE(it, rows.end()) << "README.md has no row for " << s.name << "; " << kRegenerate;
    EXPECT_NE(it->second.find(s.default_value.starts_with('(')
                                  ? s.default_value.substr(1, s.default_value.size() - 2)
                                  : s.default_value),
              std::string::npos)
        << s.name << "'s README default is " << it->second << ", not " << s.default_value;
    rows.erase(it);
  }
  for (const auto& [name, default_value] : rows) ADD_FAILURE() << "README row for unknown " << name;
}

// Wherever the README names a variable of the service (prose, the Validation table, examples),
// it is one the service reads: a renamed or removed setting is not left behind.
TEST(SettingsDocsTest, ReadmeNamesNoUnknownSetting) {
  // Variables of the test harness and CMake options, not of the service.
  const std::set<std::string> not_settings = {"MLOPS_TEST_POSTGRES_URL", "MLOPS_TEST_S3_ENDPOINT",
                                              "MLOPS_WITH_TORCH"};
  const std::set<std::string> known = KnownVariables();
  std::set<std::string> prefixes;  // the first word of each name: MLOPS, MINIO, DATABASE, ...
  for (const std::string& name : known) prefixes.insert(name.substr(0, name.find('_')));
  const std::string readme = ReadSourceFile("README.md");
  const std::regex word(R"(\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b)");
  int checked = 0;
  for (auto it = std::sregex_iterator(readme.begin(), readme.end(), word);
       it != std::sregex_iterator(); ++it) {
    const std::string name = it->str();
    if (!prefixes.contains(name.substr(0, name.find('_'))) || not_settings.contains(name)) {
      continue;
    }
    ++checked;
    EXPECT_TRUE(known.contains(name)) << "README.md names " << name << ", which is no setting";
  }
  EXPECT_GT(checked, 50);
}

TEST(SettingsDocsTest, HelpListsEverySettingWithItsDefault) {
  const std::string help = SettingsHelp();
  for (const Setting& s : Settings()) {
    const std::string entry = "  " + std::string(s.name) + " (default " +
                              std::string(s.default_value) + ")" + (s.secret ? " secret" : "") +
                              "\n      " + std::string(s.meaning) + "\n";
    EXPECT_NE(help.find(entry), std::string::npos) << entry;
    for (std::string_view alias : s.aliases) EXPECT_NE(help.find(alias), std::string::npos);
    if (s.secret) {
      EXPECT_NE(help.find(std::string(s.name) + "_FILE"), std::string::npos);
    }
  }
}

// .env.example with every line uncommented configures exactly the defaults.
TEST(SettingsDocsTest, EnvExampleUncommentedGivesTheDefaults) {
  std::string uncommented;
  std::set<std::string> listed;
  std::istringstream lines(EnvExample());
  const std::regex assignment(R"(^#([A-Z][A-Z0-9_]*)=(.*)$)");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, assignment)) continue;
    listed.insert(m[1]);
    uncommented += line.substr(1) + "\n";
  }
  std::set<std::string> names;
  for (const Setting& s : Settings()) names.emplace(s.name);
  EXPECT_EQ(listed, names);
  // ReadEnvironment lets the process environment win over the file.
  for (const std::string& name : names) {
    if (std::getenv(name.c_str()) != nullptr) GTEST_SKIP() << name << " is set in the environment";
  }

  const fs::path path =
      fs::temp_directory_path() / ("mlops-env-example-" + std::to_string(getpid()));
  std::ofstream(path) << uncommented;
  std::map<std::string, std::string> env = ReadEnvironment(path.string());
  fs::remove(path);
  std::erase_if(env, [&names](const auto& kv) { return !names.contains(kv.first); });
  ASSERT_EQ(env.size(), names.size());
  const StatusOr<Config> from_file = LoadConfig(env);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_TRUE(*from_file == *LoadConfig({}));
}

}  // namespace
}  // namespace mlops
