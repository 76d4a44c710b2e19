#pragma once

#include "common/status.h"
#include "domain/enums.h"

namespace mlops {

// Who asks for a status change: a person through PATCH, or the validation pipeline.
enum class TransitionActor { kUser, kValidationPipeline };

// The version status state machine (docs/http-api.md "Version lifecycle"). Returns OK if
// `actor` may move a version from `from` to `to`; CONFLICT naming both states otherwise
// (including `from == to`). VALIDATED and VALIDATION_FAILED are reachable only by the validation
// pipeline.
Status CheckTransition(ModelVersionStatus from, ModelVersionStatus to, TransitionActor actor);

}  // namespace mlops
