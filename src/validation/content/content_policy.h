#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mlops::validation {

// The rules a content policy can state, by the names reports and warning_rules use. A rule is
// in force only when the policy sets the key it comes from (config/README.md).
inline constexpr std::string_view kRuleParametersObject = "parameters.object";
inline constexpr std::string_view kRuleRequiredParameter = "parameters.required";
inline constexpr std::string_view kRuleLicenseAllowed = "license.allowed";
inline constexpr std::string_view kRuleTaskTypeForbidden = "task_type.forbidden";
inline constexpr std::string_view kRuleTaskTypeAllowed = "task_type.allowed";
inline constexpr std::string_view kRuleModelCardPresent = "model_card.present";
inline constexpr std::string_view kRuleModelCardMinLength = "model_card.min_length";
inline constexpr std::string_view kRuleModelCardSection = "model_card.required_section";
inline constexpr std::string_view kRuleForbiddenPhrase = "forbidden_phrase";

// Every rule name, in the order the check evaluates them.
std::span<const std::string_view> AllContentRules();

struct ModelCardRules {
  bool required = true;                        // no model card at all is a violation
  std::optional<std::size_t> min_length;       // in characters (code points), trimmed
  std::vector<std::string> required_sections;  // heading texts, matched case-insensitively
};

// The platform's content policy, parsed and checked for consistency. An empty list means the
// policy does not set that key (a present list is never empty where emptiness would be a mistake).
struct ContentPolicy {
  std::string name;
  std::string description;
  std::string source;  // the file it came from, or "built-in"
  std::string sha256;  // of the policy text, so a report names the exact policy it applied
  std::vector<std::string> required_parameters;
  std::vector<std::string> allowed_licenses;      // SPDX-style ids, compared case-insensitively
  std::vector<std::string> allowed_task_types;    // compared after NormalizeTaskType
  std::vector<std::string> forbidden_task_types;  // likewise
  std::optional<ModelCardRules> model_card;
  std::vector<std::string> forbidden_phrases;        // searched in every descriptive text
  std::set<std::string, std::less<>> warning_rules;  // violations of these are WARNING, not FAILED

  bool IsWarningRule(std::string_view rule) const { return warning_rules.contains(rule); }
};

// The rules `policy` puts in force (those whose keys it sets), in AllContentRules() order.
std::vector<std::string_view> RulesInForce(const ContentPolicy& policy);

// Parses a policy document (schema_version 1, config/README.md). `source` names it in error
// messages and in the result. INVALID_ARGUMENT with the offending key and the problem for text that
// is not JSON, unknown keys, wrong types, empty allow-lists, duplicates, a task type both allowed
// and forbidden, and unknown or unsoftenable rule names in warning_rules.
StatusOr<ContentPolicy> ParseContentPolicy(std::string_view text, std::string_view source);

// Reads and parses the policy file at `path`: NOT_FOUND if it cannot be read, INVALID_ARGUMENT as
// ParseContentPolicy, both naming the path.
StatusOr<ContentPolicy> LoadContentPolicyFile(const std::string& path);

}  // namespace mlops::validation
