#include "artifacts/s3/s3_url.h"

#include <algorithm>
#include <cctype>

namespace mlops::s3 {

StatusOr<Endpoint> ParseEndpoint(std::string_view endpoint, bool secure) {
  std::string scheme = secure ? "https" : "http";
  std::string_view host = endpoint;
  if (const auto sep = host.find("://"); sep != std::string_view::npos) {
    scheme = std::string(host.substr(0, sep));
    host.remove_prefix(sep + 3);
    if (scheme != "http" && scheme != "https") {
      return InvalidArgument("MINIO_ENDPOINT must use http or https, got '" + scheme + "'");
    }
  }
  if (!host.empty() && host.back() == '/') host.remove_suffix(1);
  if (host.empty() || host.find('/') != std::string_view::npos) {
    return InvalidArgument("MINIO_ENDPOINT must be host[:port], got '" + std::string(endpoint) +
                           "'");
  }
  return Endpoint{scheme + "://" + std::string(host), std::string(host)};
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' ||
        (c == '/' && keep_slash)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

std::string BucketPath(std::string_view bucket) {
  std::string path = "/";
  path += UriEncode(bucket, false);
  return path;
}

std::string ObjectPath(std::string_view bucket, std::string_view key) {
  std::string path = BucketPath(bucket);
  path += '/';
  path += UriEncode(key, true);
  return path;
}

std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> params) {
  for (auto& [name, value] : params) {
    name = UriEncode(name, false);
    value = UriEncode(value, false);
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

}  // namespace mlops::s3
