#include "http/api_codec.h"
#include "http/handlers/byte_range.h"
#include "http/handlers/routes.h"
#include "http/handlers/version_upload_sink.h"
#include "http/responses.h"

namespace mlops::http {
namespace {

std::string Quoted(const std::string& etag) { return "\"" + etag + "\""; }

// True if an If-None-Match header names this entity tag (or is "*").
bool MatchesEtag(std::optional<std::string_view> header, const std::string& quoted_etag) {
  if (!header) return false;
  std::string_view list = *header;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view tag = list.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == "*" || tag == quoted_etag) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// ?redirect=true: a 307 to a presigned URL, so the bytes flow from the store, not through us.
StatusOr<Response> RedirectToArtifact(ApiContext& ctx, const VersionArtifact& artifact) {
  ASSIGN_OR_RETURN(std::string url, ctx.downloads.PresignedUrl(artifact));
  Response r;
  r.status = 307;
  r.content_type.clear();
  r.headers = {{"Location", std::move(url)}, {"Cache-Control", "no-store"}};
  return r;
}

StatusOr<Response> DownloadArtifact(ApiContext& ctx, Request& req) {
  ASSIGN_OR_RETURN(std::string id, UuidParam(req, "version_id"));
  ASSIGN_OR_RETURN(VersionArtifact artifact, ctx.downloads.Find(id));
  const std::string_view redirect = req.Query("redirect").value_or("false");
  if (redirect != "true" && redirect != "false") {
    return InvalidArgument("redirect must be true or false");
  }
  if (redirect == "true") return RedirectToArtifact(ctx, artifact);
  const std::string etag = Quoted(artifact.sha256);
  const std::int64_t size = artifact.size_bytes;

  Response r;
  r.content_type = "application/octet-stream";
  r.headers = {{"ETag", etag},
               {"Accept-Ranges", "bytes"},
               {"Content-Disposition", "attachment; filename=\"" + artifact.file_name + "\""}};
  if (MatchesEtag(req.Header("if-none-match"), etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  const RangeResult range = ResolveRange(req.Header("range"), size);
  if (range.kind == RangeResult::Kind::kUnsatisfiable) {
    Response e = ErrorResponse(InvalidArgument("the requested range is outside the artifact"));
    e.status = 416;
    e.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return e;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ArtifactReader> reader,
                   ctx.downloads.Open(artifact, range.range.offset, range.range.length));
  r.stream = ArtifactBody(std::move(reader));
  r.stream_length = range.range.length;
  if (range.kind == RangeResult::Kind::kPartial) {
    r.status = 206;
    r.headers.emplace_back("Content-Range",
                           "bytes " + std::to_string(range.range.offset) + "-" +
                               std::to_string(range.range.offset + range.range.length - 1) + "/" +
                               std::to_string(size));
  }
  return r;
}

}  // namespace

void AddVersionRoutes(Router& router, ApiContext& ctx) {
  const std::string models = std::string(kApiBase) + "/models";

  router.Add({"POST", models + "/{model_id}/versions", Permission::kWriteRegistry, nullptr,
              [&ctx](Request& req) -> StatusOr<std::unique_ptr<BodySink>> {
                ASSIGN_OR_RETURN(std::string model_id, UuidParam(req, "model_id"));
                ASSIGN_OR_RETURN(std::string boundary,
                                 MultipartParser::BoundaryFromContentType(
                                     req.Header("content-type").value_or("")));
                RETURN_IF_ERROR(ctx.registry.GetModel(model_id));
                std::unique_ptr<BodySink> sink = std::make_unique<VersionUploadSink>(
                    ctx.uploads, model_id, req.principal->key_id, boundary);
                return sink;
              }});

  router.Add({"GET", models + "/{model_id}/versions", Permission::kReadRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string model_id, UuidParam(req, "model_id"));
                ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
                VersionFilter filter;
                if (auto v = req.Query("status")) {
                  filter.status = ParseEnum<ModelVersionStatus>(*v);
                  if (!filter.status) {
                    return InvalidArgument("status must be a ModelVersionStatus value, got '" +
                                           std::string(*v) + "'");
                  }
                }
                ASSIGN_OR_RETURN(auto versions, ctx.registry.ListVersions(model_id, filter, page));
                return ListResponse(ToJsonArray(versions), versions.total);
              }),
              nullptr});

  router.Add({"GET", models + "/versions/{version_id}", Permission::kReadRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "version_id"));
                ASSIGN_OR_RETURN(ModelVersion version, ctx.registry.GetVersion(id));
                return JsonResponse(200, ToJson(version));
              }),
              nullptr});

  router.Add({"GET", models + "/versions/{version_id}/artifact", Permission::kReadRegistry,
              Guarded([&ctx](Request& req) { return DownloadArtifact(ctx, req); }), nullptr});

  router.Add({"PATCH", models + "/versions/{version_id}/status", Permission::kWriteRegistry,
              Guarded([&ctx](Request& req) -> StatusOr<Response> {
                ASSIGN_OR_RETURN(std::string id, UuidParam(req, "version_id"));
                RETURN_IF_ERROR(RequireJson(req));
                ASSIGN_OR_RETURN(ModelVersionStatus to, DecodeStatusChange(req.body));
                ASSIGN_OR_RETURN(ModelVersion version,
                                 ctx.registry.ChangeVersionStatus(id, to, TransitionActor::kUser,
                                                                  req.principal->key_id));
                return JsonResponse(200, ToJson(version));
              }),
              nullptr});
}

}  // namespace mlops::http
