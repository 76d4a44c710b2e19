#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mlops::net {

// Produces a request body piece by piece: writes up to `buffer.size()` bytes into `buffer` and
// returns how many, 0 at the end of the body. An error aborts the request, and Send() returns it.
// Called on the thread of Send(); it must not throw (curl's C frames are between).
using BodySource = std::function<StatusOr<std::size_t>(std::span<char> buffer)>;

// Consumes a response body piece by piece. An error aborts the transfer, and Send() returns it.
// Called on the thread of Send(); it must not throw.
using BodySink = std::function<Status(std::string_view chunk)>;

// AWS Signature Version 4, computed by libcurl (CURLOPT_AWS_SIGV4) over the method, URL, every
// header of the request and the payload hash, which is sent as x-amz-content-sha256 (curl 7.88
// signs the query as written: give it in canonical form, sorted and URI-encoded).
struct AwsSigV4 {
  std::string access_key;
  std::string secret_key;  // secret: never reported
  std::string region;      // "us-east-1"
  std::string service;     // "s3"
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD". Empty: computed from an in-memory body;
  // "UNSIGNED-PAYLOAD" for a streamed one, whose bytes are not known in advance.
  std::string payload_sha256{};
};

struct HttpHeader {
  std::string name;
  std::string value;  // may be empty (an empty header is sent), except on SigV4 requests
};

struct HttpRequest {
  std::string method = "GET";  // any token: GET, HEAD, PUT, POST, PATCH, DELETE, ...
  std::string url{};           // http:// or https:// only
  std::vector<HttpHeader> headers{};
  // The body: `body` in memory (must outlive the call), or streamed from `source`, with
  // `source_size` bytes if known (sent with Content-Length) or chunked if not. At most one of
  // the two; GET and HEAD take neither.
  std::string_view body{};
  BodySource source{};
  std::optional<std::int64_t> source_size{};
  // If set, receives the body of a 2xx answer as it arrives, and HttpResponse::body stays empty.
  // Bodies of other answers are always collected, as callers report what the peer said.
  BodySink sink{};
  // A collected body larger than this fails the request (INTERNAL): a peer cannot make us hold
  // more than this in memory.
  std::size_t max_collected_bytes = 8 << 20;
  std::optional<AwsSigV4> sigv4{};
};

struct HttpResponse {
  long status = 0;
  // Header names in lower case; the last value wins. Only the final answer's headers (not
  // those of a 100 Continue).
  std::map<std::string, std::string> headers{};
  std::string body{};  // empty when a sink took it
};

struct HttpClientOptions {
  // Names the peer in error messages: "container scanner at <url> could not be reached". Empty:
  // the request's method, as in "PUT <url> could not be reached".
  std::string peer_name{};
  std::chrono::milliseconds connect_timeout{10'000};
  // The whole request, from connecting to the last body byte; 0 for none (long downloads).
  std::chrono::milliseconds total_timeout{0};
  // A transfer that moves fewer than `low_speed_bytes_per_second` during `low_speed_time`
  // (both non-zero) is abandoned: a stalled peer fails the request without a total limit.
  long low_speed_bytes_per_second = 0;
  std::chrono::seconds low_speed_time{0};
  // TLS (https:// URLs): peer certificate and host name checked against the system's CAs, or
  // those of `ca_file` (PEM) if set. verify_tls = false is for tests and trusted networks only.
  bool verify_tls = true;
  std::string ca_file{};
  // Idle handles (each with its open connections) kept for reuse; more may be in use at once.
  std::size_t max_idle_handles = 16;
};

// An HTTP/1.1 client on libcurl, the one the project uses for every outgoing request.
//
// Handles are pooled: a request checks one out (creating it if none is idle) and returns it
// afterwards, so connections to a peer are kept alive and reused by the next request. Redirects
// are never followed: credentials and signatures must not travel to another host, and a 3xx is
// returned like any other answer. Every header given is sent as given; none of curl's defaults
// is removed, since SigV4 would sign a removal ("Expect:") that is then not sent.
//
// Thread-safe: any number of threads may call Send() at once, each on its own handle.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and returns the answer, whatever its HTTP status. Fails with:
  // INVALID_ARGUMENT for a request that cannot be sent (bad URL or scheme, a header with CR or
  // LF, an empty header on a SigV4 request, a body on GET or HEAD, both `body` and `source`);
  // UNAVAILABLE if the peer cannot be
  // reached, does not answer within the timeouts, stalls, or the TLS handshake fails; INTERNAL
  // if a collected body exceeds max_collected_bytes; the source's or sink's own error if one of
  // them fails. Error messages name the URL without its query (which may carry a signature) and
  // curl's reason.
  StatusOr<HttpResponse> Send(const HttpRequest& request);

  const HttpClientOptions& options() const { return options_; }

  // How many curl handles were created so far: with reuse, at most the number of requests that
  // were ever in flight at once (plus any dropped beyond max_idle_handles).
  std::size_t handles_created() const;

 private:
  void* CheckOut();
  void Return(void* handle);

  const HttpClientOptions options_;
  mutable std::mutex mu_;
  std::vector<void*> idle_;  // CURL*, kept out of this header
  std::size_t created_ = 0;
};

// `url` fit for a message: without userinfo, query or fragment.
std::string RedactUrl(std::string_view url);

}  // namespace mlops::net
