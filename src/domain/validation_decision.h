#pragma once

#include <span>
#include <string>
#include <vector>

#include "domain/entities.h"
#include "domain/enums.h"

namespace mlops {

// What a finished validation run must show for its version to become VALIDATED.
struct ValidationPolicy {
  // A WARNING result counts as passed (MLOPS_VALIDATION_ALLOW_WARNING).
  bool allow_warning = true;
  // Scans that must be PASSED (or an allowed WARNING); for them SKIPPED, or not being part of the
  // run at all, fails the run (MLOPS_VALIDATION_REQUIRED_SCANS).
  std::vector<ScanType> required_scans = {ScanType::kSecurityArtifact, ScanType::kFunctionalIo};
};

// The outcome of a run, with what decided it.
struct ValidationDecision {
  ModelVersionStatus status = ModelVersionStatus::kValidationFailed;  // or kValidated
  // VALIDATION_FAILED: the results that failed the run; VALIDATED: every result of the run.
  std::vector<std::string> decided_by;
  // One sentence per deciding fact, for a person.
  std::vector<std::string> reasons;
};

// Decides the status of a version from the results of one finished run (one trigger):
// - any FAILED result fails the run;
// - a WARNING passes if the policy allows warnings, else fails the run;
// - a SKIPPED result does not block, unless its scan is required;
// - a required scan without a result fails the run;
// - a run in which every scan was SKIPPED fails: nothing was checked;
// - a result still PENDING or RUNNING fails the run (it did not finish: never a pass).
// Pure: no I/O.
ValidationDecision DecideValidation(std::span<const ValidationResult> results,
                                    const ValidationPolicy& policy);

}  // namespace mlops
