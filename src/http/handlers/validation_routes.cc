#include "http/api_codec.h"
#include "http/handlers/routes.h"
#include "http/responses.h"

namespace mlops::http {
namespace {

// The trigger's body is optional; when there is one it must be JSON.
Status RequireJsonIfBody(const Request& req) {
  if (req.body.empty()) return OkStatus();
  return RequireJson(req);
}

}  // namespace

void AddValidationRoutes(Router& router, ApiContext& ctx) {
  const std::string base = std::string(kApiBase) + "/validation";

  router.Add({"POST", base + "/versions/{version_id}/trigger", Permission::kWriteRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "version_id"));
                RETURN_IF_ERROR(RequireJsonIfBody(req));
                ASSIGN_OR_RETURN(auto scan_types, DecodeValidationTrigger(req.body));
                ASSIGN_OR_RETURN(auto results, ctx.validation.Trigger(id, std::move(scan_types),
                                                                      req.principal->key_id));
                return JsonResponse(202, ToJsonArray(results));
              }),
              nullptr});

  router.Add({"GET", base + "/results/{result_id}", Permission::kReadRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "result_id"));
                ASSIGN_OR_RETURN(ValidationResult result, ctx.validation.GetResult(id));
                return JsonResponse(200, ToJson(result));
              }),
              nullptr});

  router.Add({"GET", base + "/results/{result_id}/report", Permission::kReadRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "result_id"));
                ASSIGN_OR_RETURN(ValidationReport report, ctx.validation.OpenReport(id));
                Response r;
                r.stream = ArtifactBody(std::move(report.reader));
                r.stream_length = report.size_bytes;
                return r;
              }),
              nullptr});

  router.Add({"GET", base + "/versions/{version_id}/results", Permission::kReadRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "version_id"));
                ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
                ASSIGN_OR_RETURN(auto results, ctx.validation.ListResults(id, page));
                return ListResponse(ToJsonArray(results), results.total);
              }),
              nullptr});
}

}  // namespace mlops::http
