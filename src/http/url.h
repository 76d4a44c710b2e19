#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::http {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). nullopt for a bad escape or a
// decoded NUL byte.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

struct Target {
  std::string path;
  std::multimap<std::string, std::string> query;
};

// Splits a request target ("/a/b?x=1&y=2") into its decoded path and query parameters.
// nullopt if the target is not origin-form or has a bad escape.
std::optional<Target> ParseTarget(std::string_view target);

}  // namespace mlops::http
