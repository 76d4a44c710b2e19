#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace mlops {

// The table of settings (settings.cc) is the one place a setting is declared: LoadConfig parses
// the environment with it, and `mlops serve --help`, `.env.example` and the README's settings
// tables are rendered from it (settings_docs.h). Immutable after start; safe from any thread.

// Where a setting is listed, in this order.
enum class SettingGroup { kService, kStorage, kHttp, kValidation, kScanning };
std::string_view SettingGroupTitle(SettingGroup group);

// One value handed to a setting's parser.
struct SettingValue {
  std::string source;  // the variable it came from, e.g. "MLOPS_DATABASE_URL (from ..._FILE)"
  std::string text;    // never empty: an empty variable counts as unset
  bool secret = false;

  // INVALID_ARGUMENT "<source> must be <requirement>, got '<text>'"; a secret's text is not shown.
  Status Invalid(std::string_view requirement) const;
};

// How a setting's text becomes part of the Config: `accepts` says what it takes (for the
// documentation), `apply` checks the text and stores it, or returns INVALID_ARGUMENT naming
// value.source (SettingValue::Invalid). Built by the typed helpers in settings.cc.
struct SettingParser {
  std::string accepts;
  std::function<Status(const SettingValue& value, Config& config)> apply;
};

struct Setting {
  std::string_view name = {};
  // Other names read when `name` is unset, in order of precedence.
  std::vector<std::string_view> aliases = {};
  SettingGroup group = SettingGroup::kService;
  // Never printed or logged; may also be read from the file named by <name>_FILE (or by
  // <alias>_FILE), as container platforms mount secrets.
  bool secret = false;
  // The default as documented. A literal value (written as is into .env.example, and checked by
  // a test to give the default Config) unless it starts with '(' or names another setting with
  // '$': then it describes what leaving the setting unset does.
  std::string_view default_value = {};
  SettingParser parser = {};
  std::string_view meaning = {};  // one line, for people

  bool DefaultIsLiteral() const;
};

// Every setting, grouped, in the order they are documented.
const std::vector<Setting>& Settings();

// Parses a list of scan types: a JSON object {"scan_types": [...]} or a comma-separated list.
// INVALID_ARGUMENT naming `setting` for an unknown type or a malformed value.
StatusOr<std::vector<ScanType>> ParseScanTypes(const std::string& setting, const std::string& text);

// Applies every setting present in `env` to `config`. A secret may come from <NAME>_FILE: the
// file's content with one trailing newline stripped. INVALID_ARGUMENT naming the variable for a
// malformed value; naming both variables when NAME and NAME_FILE are both set; naming the path
// for a file that cannot be read or is empty.
Status ApplySettings(const std::map<std::string, std::string>& env, Config& config);

}  // namespace mlops
