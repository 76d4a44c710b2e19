#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "artifacts/artifact_store.h"
#include "artifacts/s3/s3_client.h"

namespace mlops::s3 {

// S3 limits: parts of at least 5 MiB (but the last), at most 10,000 parts.
inline constexpr std::size_t kMinPartBytes = 5 << 20;
inline constexpr int kMaxParts = 10'000;

// Streams one object as an S3 multipart upload. Memory is bounded by one part: bytes are
// buffered until a part is full, then uploaded (CreateMultipartUpload on the first full part);
// Finish() uploads the last part, Publish() completes the upload, which makes the object visible
// at its key atomically. An object smaller than one part never starts an upload: Publish() PUTs
// it in one request. Destroying the writer before Publish() aborts the upload, so S3 keeps no
// parts. Not thread-safe.
class MultipartWriter final : public ArtifactWriter {
 public:
  MultipartWriter(Client& client, std::string bucket, std::string key, std::int64_t max_bytes,
                  std::size_t part_bytes);
  ~MultipartWriter() override;

 private:
  Status WriteImpl(std::string_view chunk) override;
  Status FinishImpl() override;
  Status PublishImpl() override;

  Status CreateUpload();
  // Uploads buffer_ as the next part, retrying transient failures, and empties the buffer.
  Status UploadPart();
  Status CompleteUpload();
  Status PutWholeObject();
  std::string UploadQuery() const;

  Client& client_;
  const std::string bucket_;
  const std::string key_;
  const std::string path_;
  const std::size_t part_bytes_;
  std::string buffer_;
  std::string upload_id_;           // empty until the first part is uploaded
  std::vector<std::string> etags_;  // of parts 1..n
  bool published_ = false;
};

}  // namespace mlops::s3
