#include "validation/content/content_policy.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "common/sha256.h"
#include "validation/content/policy_text.h"

namespace mlops::validation {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 9> kRules{
    kRuleParametersObject,   kRuleRequiredParameter, kRuleLicenseAllowed,
    kRuleTaskTypeForbidden,  kRuleTaskTypeAllowed,   kRuleModelCardPresent,
    kRuleModelCardMinLength, kRuleModelCardSection,  kRuleForbiddenPhrase,
};

// Rules that warning_rules may not soften: one says the scan could not read its input, the other
// would make "forbidden" mean "allowed with a warning".
constexpr std::array<std::string_view, 2> kHardRules{kRuleParametersObject, kRuleTaskTypeForbidden};

constexpr std::size_t kMaxPolicyBytes = 1 << 20;
constexpr std::int64_t kMaxMinLength = 1'000'000;

// Builds error messages that name the policy and the key at fault.
class Problems {
 public:
  explicit Problems(std::string_view source) : source_(source) {}
  Status At(std::string_view key, std::string_view problem) const {
    return InvalidArgument("content policy " + source_ + ": " + std::string(key) + ": " +
                           std::string(problem));
  }

 private:
  std::string source_;
};

std::string Shown(const json& value) { return value.dump().substr(0, 80); }

// A list of non-empty strings without duplicates under `normalize`.
StatusOr<std::vector<std::string>> StringList(
    const json& value, std::string_view key, bool may_be_empty,
    const std::function<std::string(std::string_view)>& normalize, const Problems& problems) {
  if (!value.is_array()) return problems.At(key, "must be a list of strings, got " + Shown(value));
  if (value.empty() && !may_be_empty) {
    return problems.At(key,
                       "must not be empty (an empty list would reject every model; "
                       "leave the key out to turn the rule off)");
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    if (!value[i].is_string())
      return problems.At(where, "must be a string, got " + Shown(value[i]));
    const std::string text = value[i].get<std::string>();
    const std::string normalized = normalize(text);
    if (normalized.empty()) return problems.At(where, "must not be blank");
    if (!seen.insert(normalized).second) {
      return problems.At(where, "\"" + text + "\" is listed twice");
    }
    out.push_back(text);
  }
  return out;
}

std::string Identity(std::string_view text) { return std::string(text); }

StatusOr<ModelCardRules> ParseModelCard(const json& value, const Problems& problems) {
  if (!value.is_object())
    return problems.At("model_card", "must be an object, got " + Shown(value));
  ModelCardRules rules;
  for (const auto& [key, field] : value.items()) {
    const std::string where = "model_card." + key;
    if (key == "required") {
      if (!field.is_boolean()) return problems.At(where, "must be true or false");
      rules.required = field.get<bool>();
    } else if (key == "min_length") {
      if (!field.is_number_integer() || field.get<std::int64_t>() < 0 ||
          field.get<std::int64_t>() > kMaxMinLength) {
        return problems.At(where, "must be an integer from 0 to " + std::to_string(kMaxMinLength) +
                                      ", got " + Shown(field));
      }
      rules.min_length = static_cast<std::size_t>(field.get<std::int64_t>());
    } else if (key == "required_sections") {
      ASSIGN_OR_RETURN(rules.required_sections,
                       StringList(field, where, true, NormalizeProse, problems));
    } else {
      return problems.At(where, "unknown key (known: required, min_length, required_sections)");
    }
  }
  return rules;
}

Status CheckWarningRules(const std::set<std::string, std::less<>>& names,
                         const Problems& problems) {
  for (const std::string& name : names) {
    if (std::find(kRules.begin(), kRules.end(), name) == kRules.end()) {
      std::string known;
      for (std::string_view rule : kRules) known += (known.empty() ? "" : ", ") + std::string(rule);
      return problems.At("warning_rules", "unknown rule \"" + name + "\" (known: " + known + ")");
    }
    if (std::find(kHardRules.begin(), kHardRules.end(), name) != kHardRules.end()) {
      return problems.At("warning_rules", "rule \"" + name + "\" cannot be made a warning");
    }
  }
  return OkStatus();
}

Status CheckTaskTypesDisjoint(const ContentPolicy& policy, const Problems& problems) {
  std::set<std::string> forbidden;
  for (const std::string& t : policy.forbidden_task_types) forbidden.insert(NormalizeTaskType(t));
  for (const std::string& t : policy.allowed_task_types) {
    if (forbidden.contains(NormalizeTaskType(t))) {
      return problems.At("allowed_task_types", "\"" + t + "\" is also in forbidden_task_types");
    }
  }
  return OkStatus();
}

}  // namespace

std::span<const std::string_view> AllContentRules() { return kRules; }

std::vector<std::string_view> RulesInForce(const ContentPolicy& policy) {
  const auto& card = policy.model_card;
  const std::array<bool, kRules.size()> in_force{
      true,
      !policy.required_parameters.empty(),
      !policy.allowed_licenses.empty(),
      !policy.forbidden_task_types.empty(),
      !policy.allowed_task_types.empty(),
      card && card->required,
      card && card->min_length,
      card && !card->required_sections.empty(),
      !policy.forbidden_phrases.empty(),
  };
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < kRules.size(); ++i) {
    if (in_force[i]) out.push_back(kRules[i]);
  }
  return out;
}

StatusOr<ContentPolicy> ParseContentPolicy(std::string_view text, std::string_view source) {
  const Problems problems(source);
  if (text.size() > kMaxPolicyBytes) {
    return problems.At("(file)", "larger than " + std::to_string(kMaxPolicyBytes) + " bytes");
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return problems.At("(file)", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return problems.At("(file)", "must be a JSON object");

  const auto version = doc.find("schema_version");
  if (version == doc.end()) return problems.At("schema_version", "missing (this build reads 1)");
  if (!version->is_number_integer() || version->get<std::int64_t>() != 1) {
    return problems.At("schema_version",
                       "unsupported value " + Shown(*version) + " (this build reads 1)");
  }

  ContentPolicy policy;
  policy.source = std::string(source);
  policy.sha256 = Sha256Hex(text);
  for (const auto& [key, value] : doc.items()) {
    if (key == "schema_version") continue;
    if (key == "name" || key == "description") {
      if (!value.is_string()) return problems.At(key, "must be a string, got " + Shown(value));
      (key == "name" ? policy.name : policy.description) = value.get<std::string>();
    } else if (key == "required_parameters") {
      ASSIGN_OR_RETURN(policy.required_parameters,
                       StringList(value, key, true, Identity, problems));
    } else if (key == "allowed_licenses") {
      ASSIGN_OR_RETURN(policy.allowed_licenses,
                       StringList(value, key, false, NormalizeLicense, problems));
    } else if (key == "allowed_task_types") {
      ASSIGN_OR_RETURN(policy.allowed_task_types,
                       StringList(value, key, false, NormalizeTaskType, problems));
    } else if (key == "forbidden_task_types") {
      ASSIGN_OR_RETURN(policy.forbidden_task_types,
                       StringList(value, key, true, NormalizeTaskType, problems));
    } else if (key == "model_card") {
      ASSIGN_OR_RETURN(policy.model_card, ParseModelCard(value, problems));
    } else if (key == "forbidden_phrases") {
      ASSIGN_OR_RETURN(policy.forbidden_phrases,
                       StringList(value, key, true, NormalizeProse, problems));
    } else if (key == "warning_rules") {
      ASSIGN_OR_RETURN(const std::vector<std::string> names,
                       StringList(value, key, true, Identity, problems));
      policy.warning_rules.insert(names.begin(), names.end());
    } else {
      return problems.At(key, "unknown key (see config/README.md for the schema)");
    }
  }
  if (policy.name.empty()) return problems.At("name", "missing or empty");
  RETURN_IF_ERROR(CheckWarningRules(policy.warning_rules, problems));
  RETURN_IF_ERROR(CheckTaskTypesDisjoint(policy, problems));
  return policy;
}

StatusOr<ContentPolicy> LoadContentPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("content policy " + path + ": cannot be opened for reading");
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxPolicyBytes) break;  // ParseContentPolicy reports the size
  }
  if (in.bad()) return NotFound("content policy " + path + ": read error");
  return ParseContentPolicy(text, path);
}

}  // namespace mlops::validation
