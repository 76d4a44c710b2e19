#include "http/handlers/routes.h"

#include "http/responses.h"

namespace mlops::http {

Handler Guarded(std::function<StatusOr<Response>(Request&)> fn) {
  return [fn = std::move(fn)](Request& req) -> Response {
    StatusOr<Response> r = fn(req);
    if (!r.ok()) return ErrorResponse(r.status());
    return std::move(r).value();
  };
}

Router BuildRouter(ApiContext& ctx) {
  Router router;
  AddModelRoutes(router, ctx);
  AddVersionRoutes(router, ctx);
  AddValidationRoutes(router, ctx);
  AddFeedbackRoutes(router, ctx);
  AddApiKeyRoutes(router, ctx);
  AddSystemRoutes(router, ctx);
  return router;
}

}  // namespace mlops::http
