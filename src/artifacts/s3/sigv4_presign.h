#pragma once

#include <chrono>
#include <string>

#include "artifacts/s3/s3_url.h"

namespace mlops::s3 {

// Who signs, and for which region. The secret key is never logged or put in messages.
struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string region;
};

// The longest validity SigV4 allows a presigned URL.
inline constexpr std::chrono::seconds kMaxPresignExpiry{7 * 24 * 3600};

// A SigV4 query-string presigned GET URL for `path` (already URI-encoded, path-style), valid
// `expiry` from `now`. Only the host header is signed and the payload is UNSIGNED-PAYLOAD, as S3
// requires for presigned URLs, so any HTTP client can follow it. `expiry` must be 1 s..7 days.
std::string PresignGetUrl(const Endpoint& endpoint, const std::string& path,
                          const Credentials& credentials, std::chrono::system_clock::time_point now,
                          std::chrono::seconds expiry);

}  // namespace mlops::s3
