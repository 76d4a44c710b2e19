#include "http/responses.h"

#include <charconv>

#include "common/json_writer.h"
#include "common/uuid.h"

namespace mlops::http {
namespace {

StatusOr<std::int64_t> IntQuery(const Request& req, const char* name, std::int64_t fallback,
                                std::int64_t min, std::int64_t max) {
  auto text = req.Query(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < min || v > max) {
    return InvalidArgument(std::string(name) + " must be an integer in " + std::to_string(min) +
                           ".." + std::to_string(max));
  }
  return v;
}

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kMalformed:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kTooLarge:
      return 413;
    case StatusCode::kUnsupportedMediaType:
      return 415;
    case StatusCode::kInvalidArgument:
      return 422;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
    case StatusCode::kNotImplemented:
      return 501;
  }
  return 500;
}

Response ErrorResponse(const Status& status) {
  const bool internal = status.code() == StatusCode::kInternal;
  JsonWriter body;
  body.BeginObject()
      .Key("detail")
      .String(internal ? "internal error" : status.message())
      .EndObject();
  Response r = JsonResponse(HttpStatusFor(status.code()), body.Take());
  if (status.code() == StatusCode::kUnauthenticated) {
    r.headers.emplace_back("WWW-Authenticate", "ApiKey");
  }
  return r;
}

Response JsonResponse(int http_status, std::string json) {
  Response r;
  r.status = http_status;
  r.body = std::move(json);
  return r;
}

Response ListResponse(std::string json_array, std::int64_t total) {
  Response r = JsonResponse(200, std::move(json_array));
  r.headers.emplace_back("X-Total-Count", std::to_string(total));
  return r;
}

Response NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

StatusOr<PageRequest> ParsePage(const Request& req) {
  PageRequest page;
  ASSIGN_OR_RETURN(page.skip, IntQuery(req, "skip", 0, 0, std::int64_t{1} << 53));
  ASSIGN_OR_RETURN(page.limit, IntQuery(req, "limit", 100, 1, 1000));
  return page;
}

StatusOr<std::string> UuidParam(const Request& req, const std::string& name) {
  auto it = req.params.find(name);
  if (it == req.params.end() || !IsUuid(it->second)) {
    return InvalidArgument(name + " must be a UUID");
  }
  return CanonicalUuid(it->second);
}

Status RequireJson(const Request& req) {
  auto type = req.Header("content-type");
  if (!type) return UnsupportedMediaType("Content-Type must be application/json");
  std::string_view t = *type;
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  std::string lower(t);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower != "application/json") {
    return UnsupportedMediaType("Content-Type must be application/json, got '" + std::string(t) +
                                "'");
  }
  return OkStatus();
}

}  // namespace mlops::http
