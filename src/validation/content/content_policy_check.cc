#include "validation/content/content_policy_check.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "validation/content/policy_text.h"

namespace mlops::validation {
namespace {

using nlohmann::json;

// A descriptive text of the version and where it came from.
struct Text {
  std::string field;
  std::string value;
};

// Gathers violations, marking those of warning rules.
class Findings {
 public:
  explicit Findings(const ContentPolicy& policy) : policy_(policy) {}
  void Add(std::string_view rule, std::string field, std::string message) {
    out_.push_back(
        {std::string(rule), std::move(field), std::move(message), policy_.IsWarningRule(rule)});
  }
  std::vector<PolicyViolation> Take() { return std::move(out_); }

 private:
  const ContentPolicy& policy_;
  std::vector<PolicyViolation> out_;
};

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// A value that says something: not null, not blank text, not an empty list or object.
bool IsFilled(const json* value) {
  if (value == nullptr || value->is_null()) return false;
  if (value->is_string()) return TrimmedCharacterCount(value->get_ref<const std::string&>()) > 0;
  if (value->is_array() || value->is_object()) return !value->empty();
  return true;
}

const json* Find(const json& params, const std::string& key) {
  const auto it = params.find(key);
  return it == params.end() ? nullptr : &*it;
}

bool IsRequired(const ContentPolicy& policy, std::string_view key) {
  return std::find(policy.required_parameters.begin(), policy.required_parameters.end(), key) !=
         policy.required_parameters.end();
}

// Whether the '_'-separated words of `forbidden` occur, in order and adjacent, among those of
// `task_type` (both normalized): "nsfw_generation" is in "nsfw_generation_v2".
bool ContainsWords(const std::string& task_type, const std::string& forbidden) {
  const std::string haystack = "_" + task_type + "_";
  return haystack.find("_" + forbidden + "_") != std::string::npos;
}

void CheckRequired(const ContentPolicy& policy, const json& params, Findings& findings) {
  for (const std::string& key : policy.required_parameters) {
    if (!IsFilled(Find(params, key))) {
      findings.Add(kRuleRequiredParameter, "parameters." + key,
                   "required metadata parameters." + key + " is missing or empty");
    }
  }
}

void CheckLicense(const ContentPolicy& policy, const json& params, Findings& findings) {
  if (policy.allowed_licenses.empty()) return;
  const json* license = Find(params, "license");
  if (!IsFilled(license)) {
    if (!IsRequired(policy, "license")) {  // otherwise already reported as missing
      findings.Add(kRuleLicenseAllowed, "parameters.license",
                   "no license declared; allowed: " + Joined(policy.allowed_licenses));
    }
    return;
  }
  if (!license->is_string()) {
    findings.Add(kRuleLicenseAllowed, "parameters.license",
                 "parameters.license must be a license id (text)");
    return;
  }
  const std::string& id = license->get_ref<const std::string&>();
  const std::string normalized = NormalizeLicense(id);
  for (const std::string& allowed : policy.allowed_licenses) {
    if (NormalizeLicense(allowed) == normalized) return;
  }
  findings.Add(
      kRuleLicenseAllowed, "parameters.license",
      "license \"" + id + "\" is not allowed; allowed: " + Joined(policy.allowed_licenses));
}

void CheckTaskType(const ContentPolicy& policy, const Model& model, Findings& findings) {
  const std::string task_type = NormalizeTaskType(model.task_type);
  for (const std::string& forbidden : policy.forbidden_task_types) {
    if (!task_type.empty() && ContainsWords(task_type, NormalizeTaskType(forbidden))) {
      findings.Add(kRuleTaskTypeForbidden, "model.task_type",
                   "task type \"" + model.task_type + "\" is forbidden (" + forbidden + ")");
      return;  // not also "not allowed": the forbidden rule is the one that decides
    }
  }
  if (policy.allowed_task_types.empty()) return;
  for (const std::string& allowed : policy.allowed_task_types) {
    if (NormalizeTaskType(allowed) == task_type && !task_type.empty()) return;
  }
  findings.Add(kRuleTaskTypeAllowed, "model.task_type",
               "task type \"" + model.task_type +
                   "\" is not on the allowed list: " + Joined(policy.allowed_task_types));
}

// The model card: parameters.model_card if set, else the version's description.
std::optional<Text> ModelCard(const json& params, const ModelVersion& version) {
  if (const json* card = Find(params, "model_card"); IsFilled(card)) {
    if (!card->is_string()) return Text{"parameters.model_card", ""};
    return Text{"parameters.model_card", card->get<std::string>()};
  }
  if (version.description && TrimmedCharacterCount(*version.description) > 0) {
    return Text{"version.description", *version.description};
  }
  return std::nullopt;
}

void CheckModelCard(const ContentPolicy& policy, const std::optional<Text>& card,
                    Findings& findings) {
  if (!policy.model_card) return;
  const ModelCardRules& rules = *policy.model_card;
  if (!card || TrimmedCharacterCount(card->value) == 0) {
    if (rules.required) {
      findings.Add(kRuleModelCardPresent, card ? card->field : "parameters.model_card",
                   card ? "parameters.model_card must be text (Markdown)"
                        : "no model card: set parameters.model_card or the version's description");
    }
    return;
  }
  const std::size_t length = TrimmedCharacterCount(card->value);
  if (rules.min_length && length < *rules.min_length) {
    findings.Add(kRuleModelCardMinLength, card->field,
                 "model card has " + std::to_string(length) + " characters, fewer than " +
                     std::to_string(*rules.min_length));
  }
  for (const std::string& section : rules.required_sections) {
    if (!HasSection(card->value, section)) {
      findings.Add(kRuleModelCardSection, card->field,
                   "model card has no \"" + section + "\" section");
    }
  }
}

void CheckPhrases(const ContentPolicy& policy, const std::vector<Text>& texts, Findings& findings) {
  for (const std::string& phrase : policy.forbidden_phrases) {
    const std::string normalized = NormalizeProse(phrase);
    for (const Text& text : texts) {
      if (ContainsPhrase(text.value, normalized)) {
        findings.Add(kRuleForbiddenPhrase, text.field,
                     "forbidden phrase \"" + phrase + "\" in " + text.field);
      }
    }
  }
}

// Every free text that describes the model, each once.
std::vector<Text> DescriptiveTexts(const Model& model, const ModelVersion& version,
                                   const json& params, const std::optional<Text>& card) {
  std::vector<Text> texts;
  if (card) texts.push_back(*card);
  if (const json* use = Find(params, "intended_use"); use != nullptr && use->is_string()) {
    texts.push_back({"parameters.intended_use", use->get<std::string>()});
  }
  if (model.description) texts.push_back({"model.description", *model.description});
  if (version.description && !(card && card->field == "version.description")) {
    texts.push_back({"version.description", *version.description});
  }
  return texts;
}

}  // namespace

std::vector<PolicyViolation> CheckContentPolicy(const ContentPolicy& policy, const Model& model,
                                                const ModelVersion& version) {
  Findings findings(policy);
  const json params =
      version.parameters ? json::parse(*version.parameters, nullptr, false) : json::object();
  if (!params.is_object()) {
    findings.Add(kRuleParametersObject, "parameters",
                 "the version's parameters are not a JSON object, so no rule can be checked");
    return findings.Take();
  }
  CheckRequired(policy, params, findings);
  CheckLicense(policy, params, findings);
  CheckTaskType(policy, model, findings);
  const std::optional<Text> card = ModelCard(params, version);
  CheckModelCard(policy, card, findings);
  CheckPhrases(policy, DescriptiveTexts(model, version, params, card), findings);
  return findings.Take();
}

}  // namespace mlops::validation
