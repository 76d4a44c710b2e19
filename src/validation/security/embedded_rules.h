#pragma once

#include <string_view>

namespace mlops::validation::security::embedded {

// The YARA rules shipped in rules/yara/*.yar, concatenated at build time.
std::string_view BuiltinYaraRules();

}  // namespace mlops::validation::security::embedded
