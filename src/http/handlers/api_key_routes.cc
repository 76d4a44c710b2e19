#include "http/api_codec.h"
#include "http/handlers/routes.h"
#include "http/responses.h"

namespace mlops::http {

void AddApiKeyRoutes(Router& router, ApiContext& ctx) {
  const std::string base = std::string(kApiBase) + "/api-keys";

  router.Add({"POST", base, Permission::kManageKeys,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                RETURN_IF_ERROR(RequireJson(req));
                ASSIGN_OR_RETURN(NewApiKey in, DecodeNewApiKey(req.body));
                ASSIGN_OR_RETURN(IssuedKey issued, ctx.keys.Issue(in.name, in.role));
                return JsonResponse(201, ToJson(issued));
              }),
              nullptr});

  router.Add({"GET", base, Permission::kManageKeys,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
                ASSIGN_OR_RETURN(auto keys, ctx.keys.List(page));
                return ListResponse(ToJsonArray(keys), keys.total);
              }),
              nullptr});

  router.Add({"DELETE", base + "/{key_id}", Permission::kManageKeys,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "key_id"));
                RETURN_IF_ERROR(ctx.keys.Revoke(id));
                return NoContent();
              }),
              nullptr});
}

}  // namespace mlops::http
