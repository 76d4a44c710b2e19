#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlops {

// Where a version's artifact is kept in the model bucket:
// models/<model id>/<version string>/<file name>.
inline constexpr std::string_view kModelArtifactPrefix = "models/";

inline std::string ModelArtifactKey(const std::string& model_id, const std::string& version_string,
                                    const std::string& file_name) {
  return std::string(kModelArtifactPrefix) + model_id + "/" + version_string + "/" + file_name;
}

// Whose artifact a key of that layout is.
struct ModelArtifactOwner {
  std::string model_id;
  std::string version_string;
};

// nullopt for a key that is not of that layout.
inline std::optional<ModelArtifactOwner> ParseModelArtifactKey(std::string_view key) {
  if (!key.starts_with(kModelArtifactPrefix)) return std::nullopt;
  key.remove_prefix(kModelArtifactPrefix.size());
  const auto model_end = key.find('/');
  if (model_end == std::string_view::npos || model_end == 0) return std::nullopt;
  const auto version_end = key.find('/', model_end + 1);
  if (version_end == std::string_view::npos || version_end == model_end + 1 ||
      version_end + 1 == key.size() || key.find('/', version_end + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return ModelArtifactOwner{std::string(key.substr(0, model_end)),
                            std::string(key.substr(model_end + 1, version_end - model_end - 1))};
}

}  // namespace mlops
