#include "http/handlers/routes.h"

#include "http/responses.h"

namespace mlops::http {
namespace {

class ReaderBody final : public BodySource {
 public:
  explicit ReaderBody(std::unique_ptr<ArtifactReader> reader) : reader_(std::move(reader)) {}
  StatusOr<std::string> Read(std::size_t max) override { return reader_->Read(max); }

 private:
  std::unique_ptr<ArtifactReader> reader_;
};

}  // namespace

std::unique_ptr<BodySource> ArtifactBody(std::unique_ptr<ArtifactReader> reader) {
  return std::make_unique<ReaderBody>(std::move(reader));
}

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
