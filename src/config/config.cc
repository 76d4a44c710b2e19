#include "config/config.h"

#include <filesystem>

#include "config/settings.h"

namespace mlops {

std::string Config::EffectiveDatabaseUrl() const {
  if (!database_url.empty()) return database_url;
  return "sqlite:" + data_dir + "/mlops.db";
}

std::vector<std::string> Config::LocalDataDirs() const {
  std::vector<std::string> dirs = {data_dir};
  const std::string url = EffectiveDatabaseUrl();
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind(kSqlite, 0) != 0) return dirs;
  std::string dir = std::filesystem::path(url.substr(kSqlite.size())).parent_path().string();
  if (dir.empty()) dir = ".";
  if (std::filesystem::path(dir).lexically_normal() !=
      std::filesystem::path(data_dir).lexically_normal()) {
    dirs.push_back(dir);
  }
  return dirs;
}

StatusOr<Config> LoadConfig(const std::map<std::string, std::string>& env) {
  Config c;
  RETURN_IF_ERROR(ApplySettings(env, c));
  // Rules between settings (config/settings.cc has each setting's own).
  if (c.header_timeout_seconds == 0) c.header_timeout_seconds = c.request_timeout_seconds;
  return c;
}

}  // namespace mlops
