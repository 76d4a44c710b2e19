#include "store/metadata_tx_common.h"

namespace mlops {

std::optional<std::string> PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::string NoSuch(std::string_view what, const std::string& id) {
  return "no " + std::string(what) + " '" + id + "'";
}

std::string DuplicateId(std::string_view what, const std::string& id) {
  return "a " + std::string(what) + " with id '" + id + "' already exists";
}

std::string DuplicateModelName(const std::string& name) {
  return "a model named '" + name + "' already exists";
}

std::string DuplicateVersionString(const std::string& model_id,
                                   const std::string& version_string) {
  return "model '" + model_id + "' already has a version '" + version_string + "'";
}

}  // namespace mlops
