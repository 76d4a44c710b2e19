#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlops {

// An object's address as stored in the metadata (artifact_path, details_path): "<bucket>/<key>".
struct ObjectPath {
  std::string bucket;
  std::string key;
};

// nullopt if `path` has no '/' separating a non-empty bucket from a non-empty key.
inline std::optional<ObjectPath> SplitObjectPath(std::string_view path) {
  const auto slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size()) {
    return std::nullopt;
  }
  return ObjectPath{std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

inline std::string JoinObjectPath(const std::string& bucket, const std::string& key) {
  return bucket + "/" + key;
}

}  // namespace mlops
