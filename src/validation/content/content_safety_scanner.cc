#include "validation/content/content_safety_scanner.h"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "validation/content/content_policy_check.h"

namespace mlops::validation {
namespace embedded {
std::string_view DefaultContentPolicyJson();
}  // namespace embedded

namespace {

using nlohmann::json;

constexpr std::string_view kBuiltInSource = "built-in config/content_policy.json";

// Version metadata is user text and may hold invalid UTF-8: replace it rather than throw.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json Violations(const std::vector<PolicyViolation>& violations) {
  json out = json::array();
  for (const PolicyViolation& v : violations) {
    out.push_back({{"rule", v.rule},
                   {"severity", v.warning ? "warning" : "error"},
                   {"field", v.field},
                   {"message", v.message}});
  }
  return out;
}

// The names of the rules broken with the given severity, each once, in rule order.
json RuleNames(const std::vector<PolicyViolation>& violations, bool warning) {
  json out = json::array();
  for (const PolicyViolation& v : violations) {
    if (v.warning == warning && std::find(out.begin(), out.end(), v.rule) == out.end()) {
      out.push_back(v.rule);
    }
  }
  return out;
}

ScanOutcome Decide(const ContentPolicy& policy, const std::vector<PolicyViolation>& violations,
                   const ScanSubject& subject) {
  const auto first_error = std::find_if(violations.begin(), violations.end(),
                                        [](const PolicyViolation& v) { return !v.warning; });
  const std::vector<std::string_view> in_force = RulesInForce(policy);
  const std::string prefix = "content policy \"" + policy.name + "\": ";
  ScanOutcome outcome;
  if (first_error != violations.end()) {
    outcome.status = ValidationStatus::kFailed;
    outcome.summary = prefix + "violated rule " + first_error->rule + ": " + first_error->message;
  } else if (!violations.empty()) {
    outcome.status = ValidationStatus::kWarning;
    outcome.summary =
        prefix + "warning rule " + violations.front().rule + ": " + violations.front().message;
  } else {
    outcome.status = ValidationStatus::kPassed;
    outcome.summary = prefix + "all " + std::to_string(in_force.size()) + " rules in force hold";
  }
  if (violations.size() > 1) {
    outcome.summary += " (" + std::to_string(violations.size() - 1) + " more in the report)";
  }

  const json failed = RuleNames(violations, false);
  const json warned = RuleNames(violations, true);
  outcome.details = Dump({{"policy", policy.name},
                          {"violations", violations.size()},
                          {"failed_rules", failed},
                          {"warning_rules", warned}});
  outcome.report = Dump({
      {"scan_type", ToString(ScanType::kContentSafety)},
      {"status", ToString(outcome.status)},
      {"summary", outcome.summary},
      {"policy",
       {{"name", policy.name},
        {"description", policy.description},
        {"source", policy.source},
        {"sha256", policy.sha256}}},
      {"subject",
       {{"model_id", subject.model.id},
        {"model_name", subject.model.name},
        {"task_type", subject.model.task_type},
        {"version_id", subject.version.id},
        {"version_string", subject.version.version_string}}},
      {"rules_in_force", in_force},
      {"violations", Violations(violations)},
  });
  return outcome;
}

ScanOutcome InternalFailure(std::string_view what) {
  ScanOutcome outcome;
  outcome.status = ValidationStatus::kFailed;
  outcome.summary = "content_safety scan could not run: " + std::string(what);
  const json details = {{"error", outcome.summary}};
  outcome.details = Dump(details);
  outcome.report = Dump({{"scan_type", ToString(ScanType::kContentSafety)},
                         {"status", ToString(outcome.status)},
                         {"summary", outcome.summary}});
  return outcome;
}

}  // namespace

StatusOr<ContentPolicy> LoadContentPolicy(const ContentSafetySettings& settings) {
  if (settings.policy_path.empty()) {
    return ParseContentPolicy(embedded::DefaultContentPolicyJson(), kBuiltInSource);
  }
  return LoadContentPolicyFile(settings.policy_path);
}

StatusOr<std::unique_ptr<ContentSafetyScanner>> ContentSafetyScanner::Create(
    const ContentSafetySettings& settings) {
  ASSIGN_OR_RETURN(ContentPolicy policy, LoadContentPolicy(settings));
  return std::make_unique<ContentSafetyScanner>(std::move(policy));
}

ScanOutcome ContentSafetyScanner::Scan(const ScanSubject& subject) {
  try {
    return Decide(policy_, CheckContentPolicy(policy_, subject.model, subject.version), subject);
  } catch (const std::exception& e) {
    return InternalFailure(e.what());
  } catch (...) {
    return InternalFailure("unknown error");
  }
}

}  // namespace mlops::validation
