#include "domain/lifecycle.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace mlops {
namespace {

using S = ModelVersionStatus;

// docs/http-api.md "Version lifecycle", written out independently of the implementation.
const std::set<std::pair<S, S>> kUserAllowed = {
    {S::kStaging, S::kPendingValidation},  {S::kStaging, S::kArchived},
    {S::kPendingValidation, S::kArchived}, {S::kValidationFailed, S::kPendingValidation},
    {S::kValidationFailed, S::kArchived},  {S::kValidated, S::kProduction},
    {S::kValidated, S::kDeprecated},       {S::kValidated, S::kArchived},
    {S::kProduction, S::kDeprecated},      {S::kProduction, S::kArchived},
    {S::kDeprecated, S::kProduction},      {S::kDeprecated, S::kArchived},
};

TEST(LifecycleTest, UserTransitionsMatchTheContractForEveryPair) {
  for (S from : AllValues<S>()) {
    for (S to : AllValues<S>()) {
      const Status s = CheckTransition(from, to, TransitionActor::kUser);
      const bool expected = kUserAllowed.count({from, to}) > 0;
      EXPECT_EQ(s.ok(), expected) << ToString(from) << " -> " << ToString(to);
      if (!expected) {
        EXPECT_EQ(s.code(), StatusCode::kConflict);
        EXPECT_NE(s.message().find(std::string(ToString(from))), std::string::npos);
        EXPECT_NE(s.message().find(std::string(ToString(to))), std::string::npos);
      }
    }
  }
}

TEST(LifecycleTest, OnlyThePipelineSetsValidationOutcomes) {
  for (S to : {S::kValidated, S::kValidationFailed}) {
    EXPECT_TRUE(
        CheckTransition(S::kPendingValidation, to, TransitionActor::kValidationPipeline).ok());
    const Status user = CheckTransition(S::kPendingValidation, to, TransitionActor::kUser);
    EXPECT_EQ(user.code(), StatusCode::kConflict);
    EXPECT_NE(user.message().find("validation pipeline"), std::string::npos);
  }
}

TEST(LifecycleTest, PipelineMovesOnlyPendingVersions) {
  for (S from : AllValues<S>()) {
    for (S to : AllValues<S>()) {
      const bool expected =
          from == S::kPendingValidation && (to == S::kValidated || to == S::kValidationFailed);
      EXPECT_EQ(CheckTransition(from, to, TransitionActor::kValidationPipeline).ok(), expected)
          << ToString(from) << " -> " << ToString(to);
    }
  }
}

TEST(LifecycleTest, ArchivedIsFinal) {
  for (S to : AllValues<S>()) {
    const Status s = CheckTransition(S::kArchived, to, TransitionActor::kUser);
    EXPECT_EQ(s.code(), StatusCode::kConflict);
  }
  EXPECT_NE(
      CheckTransition(S::kArchived, S::kStaging, TransitionActor::kUser).message().find("final"),
      std::string::npos);
}

}  // namespace
}  // namespace mlops
