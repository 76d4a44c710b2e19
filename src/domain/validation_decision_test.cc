#include "domain/validation_decision.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mlops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using S = ValidationStatus;
using T = ScanType;

ValidationResult Result(const std::string& id, T type, S status, std::string summary = "why") {
  ValidationResult r;
  r.id = id;
  r.scan_type = type;
  r.status = status;
  r.summary = std::move(summary);
  return r;
}

// The default policy's two required scans, passed, plus whatever else a test adds.
std::vector<ValidationResult> RequiredPassedAnd(std::vector<ValidationResult> more) {
  std::vector<ValidationResult> results = {Result("sec", T::kSecurityArtifact, S::kPassed),
                                           Result("io", T::kFunctionalIo, S::kPassed)};
  results.insert(results.end(), more.begin(), more.end());
  return results;
}

TEST(ValidationDecisionTest, AllPassedValidatesNamingEveryResult) {
  const auto results = RequiredPassedAnd({Result("perf", T::kPerformanceBenchmark, S::kPassed)});
  const ValidationDecision d = DecideValidation(results, {});
  EXPECT_EQ(d.status, ModelVersionStatus::kValidated);
  EXPECT_THAT(d.decided_by, ElementsAre("sec", "io", "perf"));
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_THAT(d.reasons[0], HasSubstr("3 of 3 scans passed"));
}

TEST(ValidationDecisionTest, AnyFailedFailsNamingOnlyTheFailures) {
  const auto results = RequiredPassedAnd(
      {Result("perf", T::kPerformanceBenchmark, S::kFailed, "p99 12 ms over 10 ms"),
       Result("safe", T::kContentSafety, S::kPassed)});
  const ValidationDecision d = DecideValidation(results, {});
  EXPECT_EQ(d.status, ModelVersionStatus::kValidationFailed);
  EXPECT_THAT(d.decided_by, ElementsAre("perf"));
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_THAT(d.reasons[0], HasSubstr("performance_benchmark (result perf) is FAILED"));
  EXPECT_THAT(d.reasons[0], HasSubstr("p99 12 ms over 10 ms"));
}

TEST(ValidationDecisionTest, FailedRequiredScanFails) {
  std::vector<ValidationResult> results = RequiredPassedAnd({});
  results[0].status = S::kFailed;
  const ValidationDecision d = DecideValidation(results, {});
  EXPECT_EQ(d.status, ModelVersionStatus::kValidationFailed);
  EXPECT_THAT(d.decided_by, ElementsAre("sec"));
}

TEST(ValidationDecisionTest, WarningPassesOnlyWhenThePolicyAllowsIt) {
  const auto results = RequiredPassedAnd({Result("perf", T::kPerformanceBenchmark, S::kWarning)});
  const ValidationDecision allowed = DecideValidation(results, {.allow_warning = true});
  EXPECT_EQ(allowed.status, ModelVersionStatus::kValidated);
  EXPECT_THAT(allowed.reasons[0], HasSubstr("1 with an allowed warning"));

  ValidationPolicy strict;
  strict.allow_warning = false;
  const ValidationDecision refused = DecideValidation(results, strict);
  EXPECT_EQ(refused.status, ModelVersionStatus::kValidationFailed);
  EXPECT_THAT(refused.decided_by, ElementsAre("perf"));
  EXPECT_THAT(refused.reasons[0], HasSubstr("does not allow warnings"));
}

TEST(ValidationDecisionTest, AllowedWarningSatisfiesARequiredScan) {
  std::vector<ValidationResult> results = RequiredPassedAnd({});
  results[1].status = S::kWarning;
  EXPECT_EQ(DecideValidation(results, {}).status, ModelVersionStatus::kValidated);
}

TEST(ValidationDecisionTest, SkippedOptionalScanDoesNotBlock) {
  const auto results =
      RequiredPassedAnd({Result("container", T::kSecurityContainer, S::kSkipped, "no scanner")});
  const ValidationDecision d = DecideValidation(results, {});
  EXPECT_EQ(d.status, ModelVersionStatus::kValidated);
  EXPECT_THAT(d.reasons[0], HasSubstr("1 skipped"));
}

TEST(ValidationDecisionTest, SkippedRequiredScanFails) {
  std::vector<ValidationResult> results = RequiredPassedAnd({});
  results[1].status = S::kSkipped;
  const ValidationDecision d = DecideValidation(results, {});
  EXPECT_EQ(d.status, ModelVersionStatus::kValidationFailed);
  EXPECT_THAT(d.decided_by, ElementsAre("io"));
  EXPECT_THAT(d.reasons[0], HasSubstr("a required scan"));
}

TEST(ValidationDecisionTest, RequiredScanMissingFromTheRunFails) {
  const std::vector<ValidationResult> results = {Result("sec", T::kSecurityArtifact, S::kPassed)};
  const ValidationDecision d = DecideValidation(results, {});
  EXPECT_EQ(d.status, ModelVersionStatus::kValidationFailed);
  EXPECT_TRUE(d.decided_by.empty());
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_THAT(d.reasons[0], HasSubstr("functional_io was not part of the run"));
}

TEST(ValidationDecisionTest, RequiredScansComeFromThePolicy) {
  const std::vector<ValidationResult> results = {Result("safe", T::kContentSafety, S::kPassed),
                                                 Result("sec", T::kSecurityArtifact, S::kSkipped)};
  ValidationPolicy none;
  none.required_scans.clear();
  EXPECT_EQ(DecideValidation(results, none).status, ModelVersionStatus::kValidated);

  ValidationPolicy safety;
  safety.required_scans = {T::kContentSafety};
  EXPECT_EQ(DecideValidation(results, safety).status, ModelVersionStatus::kValidated);
  const std::vector<ValidationResult> without_safety = {results[1]};
  EXPECT_EQ(DecideValidation(without_safety, safety).status, ModelVersionStatus::kValidationFailed);
}

TEST(ValidationDecisionTest, RunWhereEveryScanWasSkippedFailsEvenWithNothingRequired) {
  const std::vector<ValidationResult> results = {Result("a", T::kContentSafety, S::kSkipped),
                                                 Result("b", T::kSecurityContainer, S::kSkipped)};
  ValidationPolicy none;
  none.required_scans.clear();
  const ValidationDecision d = DecideValidation(results, none);
  EXPECT_EQ(d.status, ModelVersionStatus::kValidationFailed);
  EXPECT_THAT(d.decided_by, ElementsAre("a", "b"));
  EXPECT_THAT(d.reasons[0], HasSubstr("nothing was checked"));
}

TEST(ValidationDecisionTest, UnfinishedResultNeverPasses) {
  for (S unfinished : {S::kPending, S::kRunning}) {
    const auto results = RequiredPassedAnd({Result("perf", T::kPerformanceBenchmark, unfinished)});
    const ValidationDecision d = DecideValidation(results, {});
    EXPECT_EQ(d.status, ModelVersionStatus::kValidationFailed) << ToString(unfinished);
    EXPECT_THAT(d.decided_by, ElementsAre("perf"));
    EXPECT_THAT(d.reasons[0], HasSubstr("did not finish"));
  }
}

TEST(ValidationDecisionTest, EveryFailureIsNamed) {
  const std::vector<ValidationResult> results = {
      Result("sec", T::kSecurityArtifact, S::kFailed), Result("io", T::kFunctionalIo, S::kSkipped),
      Result("perf", T::kPerformanceBenchmark, S::kPassed)};
  const ValidationDecision d = DecideValidation(results, {});
  EXPECT_EQ(d.status, ModelVersionStatus::kValidationFailed);
  EXPECT_THAT(d.decided_by, ElementsAre("sec", "io"));
  EXPECT_EQ(d.reasons.size(), 2u);
}

}  // namespace
}  // namespace mlops
