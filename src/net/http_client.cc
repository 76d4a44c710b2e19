#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/sha256.h"

namespace mlops::net {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

Status CheckRequest(const HttpRequest& request) {
  if (!IsToken(request.method)) return InvalidArgument("bad HTTP method '" + request.method + "'");
  if (!StartsWithNoCase(request.url, "http://") && !StartsWithNoCase(request.url, "https://")) {
    return InvalidArgument("not an http:// or https:// URL: " + RedactUrl(request.url));
  }
  for (const HttpHeader& h : request.headers) {
    if (!IsToken(h.name)) return InvalidArgument("bad HTTP header name '" + h.name + "'");
    if (h.value.find_first_of("\r\n", 0) != std::string::npos ||
        h.value.find('\0') != std::string::npos) {
      return InvalidArgument("the value of HTTP header " + h.name + " has a line break");
    }
    // curl 7.88 signs the "Name;" line that sends an empty header as a header named "name;",
    // which it does not send: S3 could never match the signature.
    if (h.value.empty() && request.sigv4) {
      return InvalidArgument("HTTP header " + h.name + " is empty: a SigV4 request cannot sign it");
    }
  }
  const bool has_body = !request.body.empty() || request.source;
  if (!request.body.empty() && request.source) {
    return InvalidArgument("a request has either a body or a body source, not both");
  }
  if (has_body && (request.method == "GET" || request.method == "HEAD")) {
    return InvalidArgument(request.method + " requests take no body");
  }
  if (request.source_size && *request.source_size < 0) {
    return InvalidArgument("negative body size");
  }
  return OkStatus();
}

// The state of one transfer, shared with curl's callbacks.
struct Transfer {
  CURL* curl;
  const HttpRequest* request;
  HttpResponse* response;
  std::string_view unsent;    // of an in-memory body
  std::int64_t produced = 0;  // bytes from the source so far
  Status source_error{};      // why the source stopped the transfer
  Status sink_error{};        // why the sink stopped it
  bool too_large = false;
};

std::size_t OnRead(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t room = size * n;
  if (!t->request->source) {
    const std::size_t count = std::min(room, t->unsent.size());
    std::copy_n(t->unsent.data(), count, buffer);
    t->unsent.remove_prefix(count);
    return count;
  }
  StatusOr<std::size_t> got = t->request->source(std::span<char>(buffer, room));
  if (!got.ok()) {
    t->source_error = got.status();
    return CURL_READFUNC_ABORT;
  }
  if (*got > room) {
    t->source_error = Internal("the body source wrote past its buffer");
    return CURL_READFUNC_ABORT;
  }
  t->produced += static_cast<std::int64_t>(*got);
  const std::optional<std::int64_t>& size_declared = t->request->source_size;
  if (size_declared &&
      (t->produced > *size_declared || (*got == 0 && t->produced < *size_declared))) {
    t->source_error =
        InvalidArgument("the body source gave " + std::to_string(t->produced) + " bytes of the " +
                        std::to_string(*size_declared) + " announced");
    return CURL_READFUNC_ABORT;
  }
  return *got;
}

// curl rewinds the body when it resends a request, e.g. on a fresh connection after a kept-alive
// one turned out closed. An in-memory body can start over; a streamed one cannot.
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->source || origin != SEEK_SET || offset < 0 ||
      static_cast<std::size_t>(offset) > t->request->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  t->unsent = t->request->body.substr(static_cast<std::size_t>(offset));
  return CURL_SEEKFUNC_OK;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view chunk(data, size * n);
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->sink && status >= 200 && status < 300) {
    Status s = t->request->sink(chunk);
    if (s.ok()) return chunk.size();
    t->sink_error = std::move(s);
    return 0;
  }
  if (t->response->body.size() + chunk.size() > t->request->max_collected_bytes) {
    t->too_large = true;
    return 0;
  }
  t->response->body.append(chunk);
  return chunk.size();
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
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

bool IsTlsError(CURLcode rc) {
  switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return true;
    default:
      return false;
  }
}

// The status for a transfer that curl could not complete.
Status TransferError(CURLcode rc, const char* detail, bool connected,
                     const HttpClientOptions& options, const std::string& subject) {
  std::string reason = curl_easy_strerror(rc);
  if (detail[0] != '\0') reason += std::string(" (") + detail + ")";
  switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(subject + " cannot be requested: " + reason);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return Unavailable(subject + " could not be reached: " + reason);
    case CURLE_OPERATION_TIMEDOUT:
      if (!connected) return Unavailable(subject + " could not be reached: " + reason);
      // curl's words for the low-speed limit; any other timeout once connected is the total one.
      if (std::string_view(detail).rfind("Operation too slow", 0) == 0) {
        return Unavailable(subject + " stalled: " + reason);
      }
      if (options.total_timeout.count() > 0) {
        return Unavailable(subject + " did not answer within " +
                           std::to_string(options.total_timeout.count()) + " ms");
      }
      return Unavailable(subject + " failed: " + reason);
    default:
      if (IsTlsError(rc)) return Unavailable(subject + ": TLS failed: " + reason);
      if (!connected) return Unavailable(subject + " could not be reached: " + reason);
      return Unavailable(subject + " failed: " + reason);
  }
}

// "Name: value" as curl sends it. An empty value is written "Name;": "Name:" would tell curl to
// remove the header instead (and SigV4 would still sign it).
std::string HeaderLine(const HttpHeader& header) {
  if (header.value.empty()) return header.name + ";";
  return header.name + ": " + header.value;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto authority = scheme_end + 3;
  const auto path = url.find('/', authority);
  const auto at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  return std::string(url.substr(0, authority)) + std::string(url.substr(at + 1));
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) { GlobalInit(); }

HttpClient::~HttpClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

std::size_t HttpClient::handles_created() const {
  std::lock_guard lock(mu_);
  return created_;
}

void* HttpClient::CheckOut() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  CURL* handle = curl_easy_init();
  if (handle != nullptr) {
    std::lock_guard lock(mu_);
    ++created_;
  }
  return handle;
}

void HttpClient::Return(void* handle) {
  // Reset drops every option and pointer of the finished request, but keeps the handle's
  // connection cache, which is what reusing it is for.
  curl_easy_reset(static_cast<CURL*>(handle));
  {
    std::lock_guard lock(mu_);
    if (idle_.size() < options_.max_idle_handles) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  RETURN_IF_ERROR(CheckRequest(request));
  const std::string subject =
      (options_.peer_name.empty() ? request.method : options_.peer_name + " at") + " " +
      RedactUrl(request.url);
  CURL* curl = static_cast<CURL*>(CheckOut());
  if (curl == nullptr) return Internal("cannot create a curl handle for " + subject);

  HttpResponse response;
  Transfer transfer{curl, &request, &response, request.body};
  char error[CURL_ERROR_SIZE] = "";

  curl_slist* headers = nullptr;
  std::string sigv4_param;
  if (request.sigv4) {
    std::string hash = request.sigv4->payload_sha256;
    if (hash.empty()) hash = request.source ? "UNSIGNED-PAYLOAD" : Sha256Hex(request.body);
    headers = curl_slist_append(headers, ("x-amz-content-sha256: " + hash).c_str());
    sigv4_param = "aws:amz:" + request.sigv4->region + ":" + request.sigv4->service;
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4_param.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, request.sigv4->access_key.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, request.sigv4->secret_key.c_str());
  }
  for (const HttpHeader& h : request.headers) {
    headers = curl_slist_append(headers, HeaderLine(h).c_str());
  }

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  if (options_.low_speed_bytes_per_second > 0 && options_.low_speed_time.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_second);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(options_.low_speed_time.count()));
  }
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);

  // PUT, and any method with a streamed body, uploads through the read callback; POST and other
  // methods with a body in memory hand it to curl whole.
  const bool streamed = static_cast<bool>(request.source);
  const curl_off_t size = streamed ? static_cast<curl_off_t>(request.source_size.value_or(-1))
                                   : static_cast<curl_off_t>(request.body.size());
  const bool has_body = streamed || !request.body.empty();
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST" && streamed) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size);
  } else if (request.method == "PUT" || streamed) {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size);
  } else if (request.method == "POST" || has_body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size);
  }
  if (request.method != "GET" && request.method != "HEAD" && request.method != "POST" &&
      request.method != "PUT") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, &OnRead);
  curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, &OnSeek);
  curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);

  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  // A reused connection has no connect time of its own, but it did send the request head.
  curl_off_t connect_time = 0;
  long request_bytes = 0;
  curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connect_time);
  curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes);
  Return(curl);
  curl_slist_free_all(headers);

  if (!transfer.source_error.ok()) return transfer.source_error;
  if (!transfer.sink_error.ok()) return transfer.sink_error;
  if (transfer.too_large) {
    return Internal(subject + " sent an answer larger than " +
                    std::to_string(request.max_collected_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return TransferError(rc, error, connect_time > 0 || request_bytes > 0, options_, subject);
  }
  return response;
}

}  // namespace mlops::net
