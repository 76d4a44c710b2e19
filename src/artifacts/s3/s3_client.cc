#include "artifacts/s3/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "artifacts/s3/s3_xml.h"
#include "common/sha256.h"

namespace mlops::s3 {
namespace {

// Error and listing bodies are small; a larger one is not an S3 answer we understand.
constexpr std::size_t kMaxCollectedBody = 8 << 20;

struct Transfer {
  CURL* curl;
  const Request* request;
  Response* response;
  std::string_view upload;
  bool aborted_by_callback = false;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view chunk(data, size * n);
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->on_body && status >= 200 && status < 300) {
    if (t->request->on_body(chunk)) return chunk.size();
    t->aborted_by_callback = true;
    return 0;
  }
  if (t->response->body.size() + chunk.size() > kMaxCollectedBody) return 0;
  t->response->body.append(chunk);
  return chunk.size();
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* response = static_cast<Response*>(user);
  const std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) response->headers.clear();  // a new (e.g. after 100) answer
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    response->headers[name] = std::string(value);
  }
  return line.size();
}

std::size_t OnUpload(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t count = std::min(size * n, t->upload.size());
  std::copy_n(t->upload.data(), count, buffer);
  t->upload.remove_prefix(count);
  return count;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Client::Client(ClientOptions options) : options_(std::move(options)) { GlobalInit(); }

Client::~Client() {
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* Client::AcquireHandle() {
  {
    std::lock_guard lock(mu_);
    if (!idle_handles_.empty()) {
      void* handle = idle_handles_.back();
      idle_handles_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void Client::ReleaseHandle(void* handle) {
  std::lock_guard lock(mu_);
  idle_handles_.push_back(handle);
}

StatusOr<Response> Client::Send(const Request& request) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) return Internal("cannot create a curl handle");
  // curl_easy_reset keeps the handle's connection cache, which is the point of pooling it.
  curl_easy_reset(curl);
  Response response;
  Transfer transfer{curl, &request, &response, request.body};

  const std::string url = options_.endpoint.base_url + request.path +
                          (request.query.empty() ? "" : "?" + request.query);
  const std::string sigv4 = "aws:amz:" + options_.credentials.region + ":s3";
  curl_slist* headers = nullptr;
  const std::string payload_hash = "x-amz-content-sha256: " + Sha256Hex(request.body);
  headers = curl_slist_append(headers, payload_hash.c_str());
  for (const std::string& h : request.headers) headers = curl_slist_append(headers, h.c_str());

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, options_.credentials.access_key.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.credentials.secret_key.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_s);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &OnUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  ReleaseHandle(curl);

  const std::string what = request.method + " " + request.path;
  if (transfer.aborted_by_callback) return Internal(what + ": the response consumer stopped");
  if (rc != CURLE_OK) {
    return Unavailable("S3 request " + what + " failed: " + curl_easy_strerror(rc));
  }
  return response;
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
