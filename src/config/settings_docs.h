#pragma once

#include <string>

namespace mlops {

// Documents of the table of settings (config/settings.h), rendered from it alone: they list every
// setting in the table's order, grouped, with its default, what it accepts and means, its aliases,
// and whether it is secret; never a value.

// The settings part of `mlops serve --help` (and `mlops migrate --help`).
std::string SettingsHelp();

}  // namespace mlops
