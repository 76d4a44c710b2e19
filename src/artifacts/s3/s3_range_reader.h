#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "artifacts/artifact_store.h"
#include "artifacts/s3/s3_client.h"

namespace mlops::s3 {

// Reads a byte range of one object through ranged GETs of `window_bytes` each, served to Read()
// from a buffer, so a download costs one request per window rather than one per Read(). The
// first window is fetched by Open() itself, which learns the object's size and ETag from that
// answer: a range within one window is thus read atomically even if the object is replaced. Later
// GETs carry If-Match with that ETag, so a replacement mid-read fails Read() (INTERNAL) instead
// of splicing two versions. Not thread-safe.
class RangeReader final : public ArtifactReader {
 public:
  // Bytes [offset, offset + length) of the object at `path` (length nullopt: to the end).
  // NOT_FOUND if there is no such object; INVALID_ARGUMENT if the range starts past its end.
  static StatusOr<std::unique_ptr<ArtifactReader>> Open(Client& client, std::string path,
                                                        std::int64_t offset,
                                                        std::optional<std::int64_t> length,
                                                        std::size_t window_bytes);

  StatusOr<std::string> Read(std::size_t max) override;

 private:
  RangeReader(Client& client, std::string path, std::int64_t begin, std::int64_t end,
              std::size_t window_bytes);

  // GETs the next window into the buffer. Returns the answer for Open() to inspect.
  StatusOr<Response> Fetch();
  Status Refill();

  Client& client_;
  const std::string path_;
  std::string etag_;   // empty until the first answer
  std::int64_t next_;  // first byte not yet fetched
  std::int64_t end_;
  const std::size_t window_bytes_;
  std::string buffer_;
  std::size_t buffer_pos_ = 0;
};

}  // namespace mlops::s3
