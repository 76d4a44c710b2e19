#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mlops::s3 {

// Where the S3 API answers: "http://host:port" and the "host:port" that requests (and their
// signatures) carry in the Host header.
struct Endpoint {
  std::string base_url;
  std::string host;
};

// Reads MINIO_ENDPOINT: "host[:port]" takes its scheme from `secure`; an explicit "http://" or
// "https://" wins. INVALID_ARGUMENT for an empty host, a path, or another scheme.
StatusOr<Endpoint> ParseEndpoint(std::string_view endpoint, bool secure);

// AWS SigV4 URI encoding: every byte but A-Za-z0-9-._~ becomes %XX (uppercase hex); '/' is kept
// only if `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

// The path-style request path of a bucket, "/bucket".
std::string BucketPath(std::string_view bucket);

// The path-style request path of an object, "/bucket/key", each key segment URI-encoded.
std::string ObjectPath(std::string_view bucket, std::string_view key);

// A query string in SigV4 canonical form: names and values URI-encoded, sorted by name, and
// "name=" for a flag. curl 7.88 signs the query exactly as written in the URL (it canonicalizes
// only from 8.1 on), so requests must already carry this form for real S3 to accept them.
std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> params);

}  // namespace mlops::s3
