#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "validation/content/content_policy.h"
#include "validation/scanner.h"

namespace mlops::validation {

// Configuration of the content_safety scan.
struct ContentSafetySettings {
  // MLOPS_CONTENT_POLICY_PATH: the policy file to apply. Empty (the default): the policy shipped
  // with the project, config/content_policy.json, compiled into the binary so that it does not
  // depend on the working directory.
  std::string policy_path;
};

// The policy the settings name: the file at policy_path, or the built-in one. Errors as
// LoadContentPolicyFile / ParseContentPolicy; meant to be called at start-up, so that a broken
// policy stops the service instead of letting every version through.
StatusOr<ContentPolicy> LoadContentPolicy(const ContentSafetySettings& settings);

// content_safety: applies the platform's content policy to a version's metadata (license,
// intended use, task type, model card). FAILED naming the violated rule when a hard rule is
// broken, WARNING when only rules in the policy's warning_rules are, PASSED otherwise. The
// artifact itself is not read. Thread-safe: the policy is immutable.
class ContentSafetyScanner final : public Scanner {
 public:
  explicit ContentSafetyScanner(ContentPolicy policy) : policy_(std::move(policy)) {}

  // A scanner with the policy the settings name; the error of LoadContentPolicy otherwise.
  static StatusOr<std::unique_ptr<ContentSafetyScanner>> Create(
      const ContentSafetySettings& settings);

  ScanType type() const override { return ScanType::kContentSafety; }
  ScanOutcome Scan(const ScanSubject& subject) override;

  const ContentPolicy& policy() const { return policy_; }

 private:
  const ContentPolicy policy_;
};

}  // namespace mlops::validation
