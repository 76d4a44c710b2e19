#pragma once

#include <string>

#include "common/status.h"
#include "domain/page.h"
#include "http/message.h"

namespace mlops::http {

// The one mapping from status codes to HTTP status codes (docs/http-api.md "Errors").
int HttpStatusFor(StatusCode code);

// `{"detail": message}` with the mapped HTTP status. INTERNAL errors are answered with a generic
// message: their details go to the log, never to the client.
Response ErrorResponse(const Status& status);

// A response whose body is serialized JSON.
Response JsonResponse(int http_status, std::string json);

// A list response: a bare JSON array and its X-Total-Count.
Response ListResponse(std::string json_array, std::int64_t total);

Response NoContent();

// `skip` (>= 0, default 0) and `limit` (1..1000, default 100). INVALID_ARGUMENT otherwise.
StatusOr<PageRequest> ParsePage(const Request& req);

// The path placeholder `name`, which must be a UUID. INVALID_ARGUMENT otherwise.
StatusOr<std::string> UuidParam(const Request& req, const std::string& name);

// The request's Content-Type must be application/json (parameters allowed).
Status RequireJson(const Request& req);

}  // namespace mlops::http
