#include <nlohmann/json.hpp>
#include <string>

#include "http/handlers/routes.h"
#include "http/openapi.h"
#include "http/responses.h"

namespace mlops::http {
namespace {

Response Text(std::string content_type, std::string_view body) {
  Response r;
  r.content_type = std::move(content_type);
  r.body = std::string(body);
  return r;
}

// Readiness names each backend and what is wrong with it, so an operator sees the cause at once.
Response Ready(ApiContext& ctx) {
  const Readiness readiness = ctx.health.CheckReadiness();
  const Status& db = readiness.metadata_store;
  const Status& artifacts = readiness.artifact_store;
  const Status& disk = readiness.disk;
  nlohmann::json checks = {{"metadata_store", db.ok() ? "ok" : db.message()},
                           {"artifact_store", artifacts.ok() ? "ok" : artifacts.message()},
                           {"disk", disk.ok() ? "ok" : disk.message()}};
  if (readiness.ready()) {
    return JsonResponse(200, nlohmann::json{{"status", "ready"}, {"checks", checks}}.dump());
  }
  std::string detail = !db.ok()          ? "metadata store unavailable: " + db.message()
                       : !artifacts.ok() ? "artifact store unavailable: " + artifacts.message()
                                         : disk.message();
  return JsonResponse(503, nlohmann::json{{"detail", detail}, {"checks", checks}}.dump());
}

}  // namespace

void AddSystemRoutes(Router& router, ApiContext& ctx) {
  router.Add({"GET", "/health/live", std::nullopt,
              [](Request&) { return JsonResponse(200, R"({"status":"alive"})"); }, nullptr});
  router.Add(
      {"GET", "/health/ready", std::nullopt, [&ctx](Request&) { return Ready(ctx); }, nullptr});
  router.Add({"GET", "/metrics", std::nullopt,
              [&ctx](Request&) {
                return Text("text/plain; version=0.0.4; charset=utf-8",
                            ctx.metrics.RenderPrometheus());
              },
              nullptr});
  router.Add({"GET", "/openapi.json", std::nullopt,
              [](Request&) { return Text("application/json", OpenApiDocument()); }, nullptr});
  router.Add({"GET", "/docs", std::nullopt,
              [](Request&) { return Text("text/html; charset=utf-8", DocsPage()); }, nullptr});
}

}  // namespace mlops::http
