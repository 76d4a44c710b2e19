#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace mlops::validation::security {

// What Python 3's unpickler imports for a global named in a protocol 0-2 pickle: with
// fix_imports (the default) it renames Python 2 modules and names ("__builtin__" -> "builtins",
// ("exceptions", "OSError") -> ("builtins", "OSError")) before importing. Returns the pair
// unchanged when no rename applies.
std::pair<std::string, std::string> FixPython2Global(std::string_view module,
                                                     std::string_view name);

}  // namespace mlops::validation::security
