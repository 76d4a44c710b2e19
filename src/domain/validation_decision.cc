#include "domain/validation_decision.h"

#include <algorithm>

namespace mlops {
namespace {

bool IsRequired(const ValidationPolicy& policy, ScanType type) {
  return std::find(policy.required_scans.begin(), policy.required_scans.end(), type) !=
         policy.required_scans.end();
}

std::string Named(const ValidationResult& r) {
  std::string text = std::string(ToString(r.scan_type)) + " (result " + r.id + ") is " +
                     std::string(ToString(r.status));
  if (r.summary && !r.summary->empty()) text += ": " + *r.summary;
  return text;
}

// Why `r` fails the run under `policy`, or "" if it does not.
std::string FailureOf(const ValidationResult& r, const ValidationPolicy& policy) {
  switch (r.status) {
    case ValidationStatus::kPassed:
      return "";
    case ValidationStatus::kFailed:
      return Named(r);
    case ValidationStatus::kWarning:
      return policy.allow_warning ? "" : Named(r) + " (the policy does not allow warnings)";
    case ValidationStatus::kSkipped:
      return IsRequired(policy, r.scan_type) ? Named(r) + " (a required scan)" : "";
    case ValidationStatus::kPending:
    case ValidationStatus::kRunning:
      return Named(r) + " (it did not finish)";
  }
  return Named(r);
}

}  // namespace

ValidationDecision DecideValidation(std::span<const ValidationResult> results,
                                    const ValidationPolicy& policy) {
  ValidationDecision failed;
  for (const ValidationResult& r : results) {
    std::string failure = FailureOf(r, policy);
    if (failure.empty()) continue;
    failed.decided_by.push_back(r.id);
    failed.reasons.push_back(std::move(failure));
  }
  for (ScanType required : policy.required_scans) {
    const bool present =
        std::any_of(results.begin(), results.end(),
                    [&](const ValidationResult& r) { return r.scan_type == required; });
    if (!present) {
      failed.reasons.push_back("required scan " + std::string(ToString(required)) +
                               " was not part of the run");
    }
  }
  const bool all_skipped =
      std::all_of(results.begin(), results.end(),
                  [](const ValidationResult& r) { return r.status == ValidationStatus::kSkipped; });
  if (failed.reasons.empty() && all_skipped) {
    for (const ValidationResult& r : results) failed.decided_by.push_back(r.id);
    failed.reasons.push_back("every scan of the run was SKIPPED: nothing was checked");
  }
  if (!failed.reasons.empty()) return failed;

  ValidationDecision validated;
  validated.status = ModelVersionStatus::kValidated;
  int warnings = 0;
  int skipped = 0;
  for (const ValidationResult& r : results) {
    validated.decided_by.push_back(r.id);
    if (r.status == ValidationStatus::kWarning) ++warnings;
    if (r.status == ValidationStatus::kSkipped) ++skipped;
  }
  validated.reasons.push_back(std::to_string(results.size() - warnings - skipped) + " of " +
                              std::to_string(results.size()) + " scans passed, " +
                              std::to_string(warnings) + " with an allowed warning, " +
                              std::to_string(skipped) + " skipped (not required)");
  return validated;
}

}  // namespace mlops
