#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "services/api_key_service.h"

namespace mlops::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request as handlers see it: independent of the HTTP library, so handlers stay cheap to compile.
struct Request {
  std::string method;
  std::string path;                               // without the query string, percent-decoded
  std::multimap<std::string, std::string> query;  // percent-decoded
  std::map<std::string, std::string> params;      // route placeholders, e.g. "model_id"
  HeaderList headers;                             // names lower-cased
  std::string body;                               // buffered routes only
  std::string request_id;
  std::optional<Principal> principal;  // set on authenticated routes

  // The first header with this lower-case name, or nullopt.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  // The first query parameter with this name, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
};

// Produces a streamed response body (artifact downloads) chunk by chunk. Not thread-safe.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Reads up to `max` bytes; an empty result means the body is exhausted. An error, or the end
  // before Response::stream_length bytes, cuts the connection (the head is sent already).
  virtual StatusOr<std::string> Read(std::size_t max) = 0;
};

// A complete response, or a header plus a streamed body (artifact downloads).
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;
  std::unique_ptr<BodySource> stream;  // when set, `body` is unused
  std::int64_t stream_length = 0;      // Content-Length of the streamed body
};

}  // namespace mlops::http
