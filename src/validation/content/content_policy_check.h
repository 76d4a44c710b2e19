#pragma once

#include <string>
#include <vector>

#include "domain/entities.h"
#include "validation/content/content_policy.h"

namespace mlops::validation {

// One broken rule.
struct PolicyViolation {
  std::string rule;      // one of AllContentRules()
  std::string field;     // where it was found: "parameters.license", "model.task_type", ...
  std::string message;   // one sentence for a person
  bool warning = false;  // the policy lists the rule in warning_rules
};

// Applies `policy` to a model and one of its versions. Returns every violation, in the order of
// AllContentRules(); empty when the version complies. A version whose parameters are not a JSON
// object cannot be checked: that is a single parameters.object violation. Pure; never throws.
std::vector<PolicyViolation> CheckContentPolicy(const ContentPolicy& policy, const Model& model,
                                                const ModelVersion& version);

}  // namespace mlops::validation
