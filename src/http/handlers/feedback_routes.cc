#include "http/api_codec.h"
#include "http/handlers/routes.h"
#include "http/responses.h"

namespace mlops::http {

void AddFeedbackRoutes(Router& router, ApiContext& ctx) {
  const std::string base = std::string(kApiBase) + "/feedback";

  router.Add({"POST", base, Permission::kWriteFeedback,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                RETURN_IF_ERROR(RequireJson(req));
                ASSIGN_OR_RETURN(NewFeedback in, DecodeNewFeedback(req.body));
                ASSIGN_OR_RETURN(Feedback feedback, ctx.feedback.Submit(in));
                return JsonResponse(201, ToJson(feedback));
              }),
              nullptr});

  router.Add({"GET", base + "/versions/{version_id}", Permission::kReadFeedback,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "version_id"));
                ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
                ASSIGN_OR_RETURN(auto items, ctx.feedback.List(id, page));
                return ListResponse(ToJsonArray(items), items.total);
              }),
              nullptr});

  router.Add({"GET", base + "/versions/{version_id}/summary", Permission::kReadFeedback,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "version_id"));
                ASSIGN_OR_RETURN(FeedbackSummary summary, ctx.feedback.Summarize(id));
                return JsonResponse(200, ToJson(summary));
              }),
              nullptr});
}

}  // namespace mlops::http
