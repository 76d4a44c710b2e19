#pragma once

#include <functional>
#include <memory>

#include "http/api_context.h"
#include "http/router.h"

namespace mlops::http {

inline constexpr char kApiBase[] = "/api/v1/mlops";

// Every route of the service, as served.
Router BuildRouter(ApiContext& ctx);

// One registration function per feature; each adds its routes under kApiBase (system routes at
// the root).
void AddModelRoutes(Router& router, ApiContext& ctx);
void AddVersionRoutes(Router& router, ApiContext& ctx);
void AddFeedbackRoutes(Router& router, ApiContext& ctx);
void AddValidationRoutes(Router& router, ApiContext& ctx);
void AddApiKeyRoutes(Router& router, ApiContext& ctx);
void AddSystemRoutes(Router& router, ApiContext& ctx);

// A response body streamed from a store's reader.
std::unique_ptr<BodySource> ArtifactBody(std::unique_ptr<ArtifactReader> reader);

// Wraps a handler that may fail, so that every route answers errors the same way.
Handler Guarded(std::function<StatusOr<Response>(Request&)> fn);

}  // namespace mlops::http
