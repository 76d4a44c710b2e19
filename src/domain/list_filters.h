#pragma once

#include <optional>
#include <string>

#include "domain/enums.h"

namespace mlops {

// Which models a list returns; an unset field matches every model.
struct ModelFilter {
  std::optional<std::string> task_type;    // exact match
  std::optional<std::string> name_prefix;  // literal prefix (no wildcards)
};

// Which versions of a model a list returns; an unset field matches every version.
struct VersionFilter {
  std::optional<ModelVersionStatus> status;
};

}  // namespace mlops
