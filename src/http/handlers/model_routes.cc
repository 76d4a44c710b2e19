#include "http/api_codec.h"
#include "http/handlers/routes.h"
#include "http/responses.h"

namespace mlops::http {

void AddModelRoutes(Router& router, ApiContext& ctx) {
  const std::string base = std::string(kApiBase) + "/models";

  router.Add({"POST", base, Permission::kWriteRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                RETURN_IF_ERROR(RequireJson(req));
                ASSIGN_OR_RETURN(NewModel in, DecodeNewModel(req.body));
                ASSIGN_OR_RETURN(Model model, ctx.registry.CreateModel(in));
                return JsonResponse(201, ToJson(model));
              }),
              nullptr});

  router.Add({"GET", base, Permission::kReadRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
                ModelFilter filter;
                if (auto v = req.Query("task_type")) filter.task_type = std::string(*v);
                if (auto v = req.Query("name_prefix")) filter.name_prefix = std::string(*v);
                ASSIGN_OR_RETURN(auto models, ctx.registry.ListModels(filter, page));
                return ListResponse(ToJsonArray(models), models.total);
              }),
              nullptr});

  router.Add({"GET", base + "/{model_id}", Permission::kReadRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "model_id"));
                ASSIGN_OR_RETURN(Model model, ctx.registry.GetModel(id));
                return JsonResponse(200, ToJson(model));
              }),
              nullptr});

  router.Add({"PATCH", base + "/{model_id}", Permission::kWriteRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "model_id"));
                RETURN_IF_ERROR(RequireJson(req));
                ASSIGN_OR_RETURN(ModelPatch patch, DecodeModelPatch(req.body));
                ASSIGN_OR_RETURN(Model model, ctx.registry.UpdateModel(id, patch));
                return JsonResponse(200, ToJson(model));
              }),
              nullptr});
}

}  // namespace mlops::http
