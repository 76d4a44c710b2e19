#include "artifacts/artifact_store.h"

#include <cctype>

namespace mlops {

Status ArtifactWriter::Write(std::string_view chunk) {
  if (failed_ || finished_) return Internal("artifact writer used after it finished or failed");
  if (static_cast<std::int64_t>(chunk.size()) > max_bytes_ - bytes_written_) {
    failed_ = true;
    return TooLarge("artifact is larger than the limit of " + std::to_string(max_bytes_) +
                    " bytes");
  }
  Status s = WriteImpl(chunk);
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  hash_.Update(chunk);
  bytes_written_ += static_cast<std::int64_t>(chunk.size());
  return OkStatus();
}

StatusOr<ArtifactInfo> ArtifactWriter::Finish() {
  if (failed_) return Internal("artifact writer used after it failed");
  if (finished_) return *finished_;
  Status s = FinishImpl();
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  finished_ = ArtifactInfo{bytes_written_, hash_.HexDigest()};
  return *finished_;
}

Status ArtifactWriter::Publish() {
  if (failed_ || !finished_) return Internal("artifact published before it was finished");
  if (published_) return OkStatus();
  Status s = PublishImpl();
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  published_ = true;
  return OkStatus();
}

Status ArtifactStore::CheckKey(const std::string& bucket, const std::string& key) {
  auto bad_segment = [](std::string_view segment) {
    return segment.empty() || segment == "." || segment == "..";
  };
  auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  };
  if (bucket.empty() || bucket.size() > 63 || bad_segment(bucket)) {
    return InvalidArgument("invalid bucket name '" + bucket + "'");
  }
  for (char c : bucket) {
    if (!allowed(c)) return InvalidArgument("invalid bucket name '" + bucket + "'");
  }
  if (key.empty() || key.size() > 1024) return InvalidArgument("invalid object key");
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t end = std::min(key.find('/', start), key.size());
    const std::string_view segment(key.data() + start, end - start);
    if (bad_segment(segment)) return InvalidArgument("invalid object key '" + key + "'");
    for (char c : segment) {
      if (!allowed(c)) return InvalidArgument("invalid object key '" + key + "'");
    }
    start = end + 1;
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<ArtifactWriter>> ArtifactStore::BeginWrite(const std::string& bucket,
                                                                    const std::string& key,
                                                                    std::int64_t max_bytes) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  return BeginWriteImpl(bucket, key, max_bytes);
}

StatusOr<ArtifactInfo> ArtifactStore::Stat(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  return StatImpl(bucket, key);
}

StatusOr<std::unique_ptr<ArtifactReader>> ArtifactStore::Open(const std::string& bucket,
                                                              const std::string& key,
                                                              std::int64_t offset,
                                                              std::optional<std::int64_t> length) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  if (offset < 0 || (length && *length < 0)) return InvalidArgument("negative byte range");
  return OpenImpl(bucket, key, offset, length);
}

Status ArtifactStore::Delete(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  return DeleteImpl(bucket, key);
}

Status ArtifactStore::ListObjects(const std::string& bucket, const std::string& prefix,
                                  const ObjectVisitor& visit) {
  // Any key would do: only the bucket is checked, a prefix may end anywhere.
  RETURN_IF_ERROR(CheckKey(bucket, "k"));
  return ListObjectsImpl(bucket, prefix, visit);
}

StatusOr<std::string> ArtifactStore::PresignedGetUrl(const std::string& bucket,
                                                     const std::string& key,
                                                     std::chrono::seconds expiry) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  if (expiry.count() <= 0) return InvalidArgument("a presigned URL needs a positive expiry");
  return PresignedGetUrlImpl(bucket, key, expiry);
}

StatusOr<std::string> ArtifactStore::PresignedGetUrlImpl(const std::string& bucket,
                                                         const std::string& key,
                                                         std::chrono::seconds expiry) {
  return NotImplemented("this artifact store does not support presigned URLs");
}

}  // namespace mlops
