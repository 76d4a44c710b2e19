#pragma once

#include <cstdint>
#include <string>

#include "artifacts/artifact_store.h"
#include "artifacts/s3/s3_client.h"

namespace mlops::s3 {

// Reads bytes [begin, end) of one object through ranged GETs of `window_bytes` each, served to
// Read() from a buffer, so a download costs one request per window rather than one per Read().
// Every GET carries If-Match with the ETag seen when the object was opened: if the object is
// replaced mid-read, Read() fails (INTERNAL) instead of splicing two versions. Not thread-safe.
class RangeReader final : public ArtifactReader {
 public:
  RangeReader(Client& client, std::string path, std::string etag, std::int64_t begin,
              std::int64_t end, std::size_t window_bytes);

  StatusOr<std::string> Read(std::size_t max) override;

 private:
  Status Refill();

  Client& client_;
  const std::string path_;
  const std::string etag_;
  std::int64_t next_;  // first byte not yet fetched
  const std::int64_t end_;
  const std::size_t window_bytes_;
  std::string buffer_;
  std::size_t buffer_pos_ = 0;
};

}  // namespace mlops::s3
