#pragma once

#include <string>

namespace mlops {

// Documents of the table of settings (config/settings.h), rendered from it alone: they list every
// setting in the table's order, grouped, with its default, what it accepts and means, its aliases,
// and whether it is secret; never a value. `make settings-docs` writes the last two into the
// repository (settings_docs_test checks that they are current).

// The settings part of `mlops serve --help` (and `mlops migrate --help`).
std::string SettingsHelp();

// The `.env.example` at the repository root (`mlops config env-example`): every setting
// commented out at its default, so that uncommenting a line changes nothing.
std::string EnvExample();

// The README's settings tables (`mlops config markdown`), from kMarkdownBegin to kMarkdownEnd
// inclusive, one table per group.
std::string SettingsMarkdown();
inline constexpr char kMarkdownBegin[] =
    "<!-- settings:begin (generated from src/config/settings.cc by `make settings-docs`; do not "
    "edit) -->";
inline constexpr char kMarkdownEnd[] = "<!-- settings:end -->";

}  // namespace mlops
