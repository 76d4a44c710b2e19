#pragma once

#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mlops::validation::security {

// The globals a pickle may import: the names PyTorch and numpy need to rebuild tensors, arrays
// and state dicts, and nothing that runs code of the file's choosing. Matching is on the exact
// (module, name) pair, so a dotted name that reaches the same object through attributes
// ("torch", "_utils._rebuild_tensor_v2") is not allowed. Immutable after setup; safe to share
// between threads once built.
class GlobalAllowList {
 public:
  // The built-in list (see global_allow_list.cc for each entry and why it is safe).
  static GlobalAllowList Default();

  // Adds "module.name", split at the last dot. Returns InvalidArgument when either part is empty.
  Status Add(std::string_view dotted_name);

  bool Allows(std::string_view module, std::string_view name) const;

 private:
  // "module" NUL "name": no allowed part contains a NUL, so no other split can produce a key.
  static std::string Key(std::string_view module, std::string_view name);

  std::set<std::string, std::less<>> entries_;
};

}  // namespace mlops::validation::security
