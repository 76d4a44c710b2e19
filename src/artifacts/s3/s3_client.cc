#include "artifacts/s3/s3_client.h"

#include <charconv>
#include <chrono>
#include <utility>

#include "artifacts/s3/s3_xml.h"

namespace mlops::s3 {
namespace {

// Error and listing bodies are small; a larger one is not an S3 answer we understand.
constexpr std::size_t kMaxCollectedBody = 8 << 20;

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      sigv4_{.access_key = options_.credentials.access_key,
             .secret_key = options_.credentials.secret_key,
             .region = options_.credentials.region,
             .service = "s3"},
      http_({.connect_timeout = std::chrono::milliseconds(options_.connect_timeout_ms),
             .low_speed_bytes_per_second = 1024,
             .low_speed_time = std::chrono::seconds(options_.stall_timeout_s)}) {}

StatusOr<Response> Client::Send(const Request& request) {
  const std::string what = request.method + " " + request.path;
  net::HttpRequest http{
      .method = request.method,
      .url = options_.endpoint.base_url + request.path +
             (request.query.empty() ? "" : "?" + request.query),
      .headers = request.headers,
      .body = request.body,
      .max_collected_bytes = kMaxCollectedBody,
      .sigv4 = sigv4_,
  };
  bool consumer_stopped = false;
  if (request.on_body) {
    http.sink = [&](std::string_view chunk) {
      if (request.on_body(chunk)) return OkStatus();
      consumer_stopped = true;
      return Internal(what + ": the response consumer stopped");
    };
  }
  StatusOr<Response> response = http_.Send(http);
  if (response.ok() || consumer_stopped) return response;
  // "S3 request PUT http://host/bucket/key could not be reached: ..."
  return Status(response.status().code(), "S3 request " + response.status().message());
}

Status ErrorStatus(const Response& response, std::string_view what) {
  const std::string code = XmlText(response.body, "Code").value_or("");
  const std::string message = XmlText(response.body, "Message").value_or("");
  std::string detail = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (!code.empty()) detail += " " + code;
  if (!message.empty()) detail += " (" + message + ")";
  if (response.status == 404) return NotFound(detail);
  if (response.status == 403) return Unavailable("S3 credentials rejected: " + detail);
  if (response.status >= 500 || response.status == 429) return Unavailable(detail);
  return Internal(detail);
}

std::int64_t ContentLength(const Response& response) {
  const auto it = response.headers.find("content-length");
  std::int64_t size = -1;
  if (it != response.headers.end()) {
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), size);
  }
  return size;
}

bool Succeeded(const Response& response) {
  return response.status >= 200 && response.status < 300 &&
         response.body.find("<Error>") == std::string::npos;
}

}  // namespace mlops::s3
