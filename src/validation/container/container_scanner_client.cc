#include "validation/container/container_scanner_client.h"

#include <curl/curl.h>

#include <mutex>
#include <utility>

namespace mlops::validation {
namespace {

// Answers carry at most kMaxReportedFindings findings worth keeping; a much larger one is not an
// answer we want to hold in memory.
constexpr std::size_t kMaxAnswerBytes = 16 << 20;

struct Collected {
  std::string body;
  bool too_large = false;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* collected = static_cast<Collected*>(user);
  if (collected->body.size() + size * n > kMaxAnswerBytes) {
    collected->too_large = true;
    return 0;
  }
  collected->body.append(data, size * n);
  return size * n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

ContainerScannerClient::ContainerScannerClient(ContainerScannerEndpoint endpoint)
    : endpoint_(std::move(endpoint)) {
  GlobalInit();
}

std::string ContainerScannerClient::ScanUrl() const {
  std::string base = endpoint_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(kScanPath);
}

StatusOr<ContainerScanAnswer> ContainerScannerClient::Scan(std::string_view image,
                                                           std::string_view model_version_id) {
  const std::string url = ScanUrl();
  const std::string body = ScanRequestBody(image, model_version_id);
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Internal("cannot create a curl handle");

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  const std::string authorization = "Authorization: Bearer " + endpoint_.api_key;
  if (!endpoint_.api_key.empty()) headers = curl_slist_append(headers, authorization.c_str());

  Collected collected;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, endpoint_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, endpoint_.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &collected);

  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);

  const std::string at = "container scanner at " + url;
  if (collected.too_large) {
    return Internal(at + " sent an answer larger than " + std::to_string(kMaxAnswerBytes) +
                    " bytes");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Unavailable(at + " did not answer within " + std::to_string(endpoint_.timeout_ms) +
                       " ms");
  }
  if (rc != CURLE_OK) return Unavailable(at + " could not be reached: " + curl_easy_strerror(rc));

  if (status >= 200 && status < 300) {
    StatusOr<ContainerScanAnswer> parsed = ParseScanAnswer(collected.body, image);
    if (!parsed.ok()) return Internal(at + ": " + parsed.status().message());
    return parsed;
  }
  const std::string message =
      at + " answered HTTP " + std::to_string(status) + ": " + ErrorMessageOf(collected.body);
  if (status == 401 || status == 403) {
    return PermissionDenied(message + " (the API key was rejected)");
  }
  if (status == 429 || status >= 500) return Unavailable(message);
  return InvalidArgument(message);
}

}  // namespace mlops::validation
