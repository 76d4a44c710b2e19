#include "validation/container/container_scanner_client.h"

#include <chrono>
#include <utility>
#include <vector>

namespace mlops::validation {
namespace {

// Answers carry at most kMaxReportedFindings findings worth keeping; a much larger one is not an
// answer we want to hold in memory.
constexpr std::size_t kMaxAnswerBytes = 16 << 20;

}  // namespace

ContainerScannerClient::ContainerScannerClient(ContainerScannerEndpoint endpoint)
    : endpoint_(std::move(endpoint)),
      // Errors then read "container scanner at <url> could not be reached: ...".
      http_({.peer_name = "container scanner",
             .connect_timeout = std::chrono::milliseconds(endpoint_.connect_timeout_ms),
             .total_timeout = std::chrono::milliseconds(endpoint_.timeout_ms)}) {}

std::string ContainerScannerClient::ScanUrl() const {
  std::string base = endpoint_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(kScanPath);
}

StatusOr<ContainerScanAnswer> ContainerScannerClient::Scan(std::string_view image,
                                                           std::string_view model_version_id) {
  const std::string url = ScanUrl();
  const std::string body = ScanRequestBody(image, model_version_id);
  std::vector<net::HttpHeader> headers = {{"Content-Type", "application/json"},
                                          {"Accept", "application/json"}};
  if (!endpoint_.api_key.empty()) {
    headers.push_back({"Authorization", "Bearer " + endpoint_.api_key});
  }
  // Transport failures come back UNAVAILABLE (INTERNAL for an answer over kMaxAnswerBytes),
  // worded "container scanner at <url> ..." by the client.
  ASSIGN_OR_RETURN(net::HttpResponse r, http_.Send({.method = "POST",
                                                    .url = url,
                                                    .headers = std::move(headers),
                                                    .body = body,
                                                    .max_collected_bytes = kMaxAnswerBytes}));
  const std::string at = "container scanner at " + url;
  if (r.status >= 200 && r.status < 300) {
    StatusOr<ContainerScanAnswer> parsed = ParseScanAnswer(r.body, image);
    if (!parsed.ok()) return Internal(at + ": " + parsed.status().message());
    return parsed;
  }
  const std::string message =
      at + " answered HTTP " + std::to_string(r.status) + ": " + ErrorMessageOf(r.body);
  if (r.status == 401 || r.status == 403) {
    return PermissionDenied(message + " (the API key was rejected)");
  }
  if (r.status == 429 || r.status >= 500) return Unavailable(message);
  return InvalidArgument(message);
}

}  // namespace mlops::validation
