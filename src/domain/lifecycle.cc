#include "domain/lifecycle.h"

#include <string>

namespace mlops {
namespace {

using S = ModelVersionStatus;

bool UserMayMove(S from, S to) {
  switch (from) {
    case S::kStaging:
      return to == S::kPendingValidation || to == S::kArchived;
    case S::kPendingValidation:
      return to == S::kArchived;
    case S::kValidationFailed:
      return to == S::kPendingValidation || to == S::kArchived;
    case S::kValidated:
      return to == S::kProduction || to == S::kDeprecated || to == S::kArchived;
    case S::kProduction:
      return to == S::kDeprecated || to == S::kArchived;
    case S::kDeprecated:
      return to == S::kProduction || to == S::kArchived;
    case S::kArchived:
      return false;
  }
  return false;
}

// The pipeline finishes a run: a pending version becomes validated or failed.
bool PipelineMayMove(S from, S to) {
  return from == S::kPendingValidation && (to == S::kValidated || to == S::kValidationFailed);
}

}  // namespace

Status CheckTransition(S from, S to, TransitionActor actor) {
  const bool allowed =
      actor == TransitionActor::kUser ? UserMayMove(from, to) : PipelineMayMove(from, to);
  if (allowed) return OkStatus();
  std::string message = "illegal status transition from " + std::string(ToString(from)) + " to " +
                        std::string(ToString(to));
  if (actor == TransitionActor::kUser && (to == S::kValidated || to == S::kValidationFailed)) {
    message += ": " + std::string(ToString(to)) + " is set only by the validation pipeline";
  } else if (from == S::kArchived) {
    message += ": ARCHIVED is final";
  }
  return Conflict(std::move(message));
}

}  // namespace mlops
