#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/s3/s3_url.h"
#include "artifacts/s3/sigv4_presign.h"
#include "common/status.h"
#include "net/http_client.h"

namespace mlops::s3 {

// One S3 API call, path-style. Every header is signed (SigV4), so none may be empty.
struct Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST or DELETE
  std::string path{};          // URI-encoded: ObjectPath() or "/bucket"
  std::string query{};         // in CanonicalQuery() form, without '?'
  std::vector<net::HttpHeader> headers{};
  std::string_view body{};  // sent as is; must outlive the call
  // If set, receives the body of a 2xx answer as it arrives instead of Response::body;
  // returning false aborts the transfer. Error bodies are always collected.
  std::function<bool(std::string_view)> on_body{};
};

// Status, lower-case headers (last value wins) and the collected body.
using Response = net::HttpResponse;

struct ClientOptions {
  Endpoint endpoint{};
  Credentials credentials{};
  long connect_timeout_ms = 10'000;
  // A transfer slower than 1 KiB/s for this long is abandoned; there is no total limit, as
  // parts and downloads may legitimately take long on a slow link.
  long stall_timeout_s = 60;
};

// Sends SigV4-signed requests through net::HttpClient. The payload hash is always sent as
// x-amz-content-sha256, computed from the in-memory body: a signed hash lets the server reject a
// body corrupted in flight even over plain HTTP. Thread-safe: the HTTP client pools its handles,
// so connections are reused across calls.
class Client {
 public:
  explicit Client(ClientOptions options);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The answer, whatever its HTTP status; UNAVAILABLE if the request could not be completed
  // (connection refused, timeout, TLS failure), INTERNAL if the body callback aborted it or an
  // error body exceeds 8 MiB.
  StatusOr<Response> Send(const Request& request);

  const ClientOptions& options() const { return options_; }

 private:
  const ClientOptions options_;
  const net::AwsSigV4 sigv4_;
  net::HttpClient http_;
};

// The status for an S3 error answer to `what` ("GET bucket/key"): NOT_FOUND for 404,
// UNAVAILABLE for 403 (credentials rejected), 5xx and 429, INTERNAL otherwise. The message
// carries S3's Code and Message from the error XML when there is one.
Status ErrorStatus(const Response& response, std::string_view what);

// The Content-Length header of an answer, -1 if absent or malformed.
std::int64_t ContentLength(const Response& response);

// True for 2xx answers whose body is not an <Error> document (CompleteMultipartUpload can fail
// with status 200).
bool Succeeded(const Response& response);

}  // namespace mlops::s3
