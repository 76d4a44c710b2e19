// The binary's own documents of its settings agree with the committed .env.example, and secrets
// mounted as files reach the service.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness.h"

namespace mlops::e2e {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `mlops <args>` in an empty directory (no .env) with only `env` set.
CommandResult Mlops(const TempDir& dir, const std::string& env, const std::string& args) {
  return RunCommand("cd " + dir.path() + " && env -i PATH=/usr/bin:/bin " + env + " " +
                    MLOPS_BINARY + " " + args);
}

int ExitCode(const CommandResult& run) {
  return WIFEXITED(run.status) ? WEXITSTATUS(run.status) : -1;
}

// The settings .env.example lists: name and the default written after '=' (empty if described).
std::map<std::string, std::string> EnvExampleSettings(const std::string& text) {
  std::map<std::string, std::string> settings;
  const std::regex assignment(R"(^#([A-Z][A-Z0-9_]*)=(.*)$)");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, assignment)) settings[m[1]] = m[2];
  }
  return settings;
}

TEST(SettingsE2eTest, EnvExampleIsWhatTheBinaryPrints) {
  TempDir dir;
  const CommandResult run = Mlops(dir, "", "config env-example");
  ASSERT_EQ(ExitCode(run), 0) << run.output;
  // Compared as booleans: a mismatch would print both files whole.
  const bool same = run.output == ReadFile(std::string(MLOPS_SOURCE_DIR) + "/.env.example");
  EXPECT_TRUE(same) << "`mlops config env-example` differs from .env.example: run `make "
                       "settings-docs`";
}

TEST(SettingsE2eTest, HelpListsEveryVariableOfEnvExampleAndNoSecretValue) {
  const std::map<std::string, std::string> settings =
      EnvExampleSettings(ReadFile(std::string(MLOPS_SOURCE_DIR) + "/.env.example"));
  ASSERT_GT(settings.size(), 40u);
  TempDir dir;
  const CommandResult help =
      Mlops(dir, "MINIO_SECRET_KEY=sentinel-secret-1 MLOPS_ADMIN_API_KEY=sentinel-secret-2",
            "serve --help");
  ASSERT_EQ(ExitCode(help), 0) << help.output;
  for (const auto& [name, default_value] : settings) {
    const std::string entry = "  " + name + " (default " + default_value;
    EXPECT_NE(help.output.find(default_value.empty() ? "  " + name + " (default" : entry),
              std::string::npos)
        << entry;
  }
  EXPECT_EQ(help.output.find("sentinel-secret"), std::string::npos);
}

TEST(SettingsE2eTest, SecretsFromFiles) {
  TempDir dir;
  std::ofstream(dir.path() + "/database_url") << "sqlite:" << dir.path() << "/from-file.db\n";
  const CommandResult migrate = Mlops(
      dir,
      "MLOPS_DATA_DIR=" + dir.path() + "/data DATABASE_URL_FILE=" + dir.path() + "/database_url",
      "migrate");
  EXPECT_EQ(ExitCode(migrate), 0) << migrate.output;
  EXPECT_TRUE(fs::exists(dir.path() + "/from-file.db")) << migrate.output;

  const std::string missing = dir.path() + "/no-such-key";
  const CommandResult unreadable = Mlops(
      dir, "MLOPS_DATA_DIR=" + dir.path() + "/data MLOPS_ADMIN_API_KEY_FILE=" + missing, "migrate");
  EXPECT_EQ(ExitCode(unreadable), 2) << unreadable.output;
  EXPECT_NE(unreadable.output.find(missing), std::string::npos) << unreadable.output;

  const CommandResult both =
      Mlops(dir,
            "MLOPS_DATA_DIR=" + dir.path() +
                "/data DATABASE_URL=sqlite:x.db DATABASE_URL_FILE=" + dir.path() + "/database_url",
            "migrate");
  EXPECT_EQ(ExitCode(both), 2) << both.output;
  EXPECT_NE(both.output.find("DATABASE_URL and DATABASE_URL_FILE"), std::string::npos)
      << both.output;
}

}  // namespace
}  // namespace mlops::e2e
