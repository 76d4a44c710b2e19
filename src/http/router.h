#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/roles.h"
#include "http/message.h"

namespace mlops::http {

// Receives a streamed request body (uploads) chunk by chunk.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // A non-OK status aborts the request; it is answered with that error.
  virtual Status Consume(std::string_view chunk) = 0;
  // The body is complete: builds the response.
  virtual Response Finish() = 0;
};

using Handler = std::function<Response(Request&)>;
// Starts a streamed body; an error is answered before any body byte is read.
using StreamHandler = std::function<StatusOr<std::unique_ptr<BodySink>>(Request&)>;

struct Route {
  std::string method;
  std::string pattern;                   // e.g. "/api/v1/mlops/models/{model_id}"
  std::optional<Permission> permission;  // nullopt: open without a key
  Handler handler;                       // buffered body (JSON, at most the JSON body limit)
  StreamHandler stream_handler;          // streamed body (artifact uploads)
};

struct RouteMatch {
  const Route* route = nullptr;  // nullptr: no route for this method and path
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods;  // when the path exists but not for this method
};

// Matches paths segment by segment; a literal segment wins over a placeholder. Immutable after
// start-up, so concurrent Match() calls are safe.
class Router {
 public:
  void Add(Route route);
  RouteMatch Match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // per route, split pattern
};

std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace mlops::http
