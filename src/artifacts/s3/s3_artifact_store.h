#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "artifacts/artifact_store.h"
#include "artifacts/s3/s3_client.h"

namespace mlops {

struct S3ArtifactStoreSettings {
  std::string endpoint;  // MINIO_ENDPOINT: host[:port] or http(s)://host[:port]
  bool secure = false;   // https when the endpoint names no scheme
  s3::Credentials credentials;
  std::size_t part_bytes = 16 << 20;  // at least s3::kMinPartBytes
  std::size_t read_window_bytes = 4 << 20;
  std::vector<std::string> buckets;  // created at Open() if missing; swept by SweepTemporaries()
  // Pending multipart uploads older than this are abandoned (their writer died); younger ones
  // may belong to another replica's upload in progress.
  std::chrono::hours abandoned_upload_age{24};
};

// Keeps object (bucket, key) as the S3 object s3://bucket/key, addressed path-style
// (http://endpoint/bucket/key) as MinIO expects. Writers stream multipart uploads that become
// visible only when completed (see s3::MultipartWriter); readers issue ranged GETs (see
// s3::RangeReader). Stat() reports no SHA-256: S3's ETag of a multipart object is not one.
//
// Thread-safe: requests share a pool of curl handles. Writers and readers it returns are not.
class S3ArtifactStore : public ArtifactStore {
 public:
  // Connects and creates the configured buckets if missing. INVALID_ARGUMENT for bad settings;
  // UNAVAILABLE if S3 cannot be reached or rejects the credentials.
  static StatusOr<std::unique_ptr<S3ArtifactStore>> Open(const S3ArtifactStoreSettings& settings);

  // Aborts the pending multipart uploads of the configured buckets older than
  // abandoned_upload_age: those of writers that died without publishing. Younger ones are left
  // alone, as replicas sharing the buckets may be uploading. UNAVAILABLE or INTERNAL if S3 fails.
  Status SweepTemporaries() override;

  // OK if every configured bucket answers HEAD; UNAVAILABLE otherwise.
  Status Ping() override;

 private:
  S3ArtifactStore(const S3ArtifactStoreSettings& settings, s3::Endpoint endpoint);

  StatusOr<std::unique_ptr<ArtifactWriter>> BeginWriteImpl(const std::string& bucket,
                                                           const std::string& key,
                                                           std::int64_t max_bytes) override;
  StatusOr<ArtifactInfo> StatImpl(const std::string& bucket, const std::string& key) override;
  StatusOr<std::unique_ptr<ArtifactReader>> OpenImpl(const std::string& bucket,
                                                     const std::string& key, std::int64_t offset,
                                                     std::optional<std::int64_t> length) override;
  Status DeleteImpl(const std::string& bucket, const std::string& key) override;
  Status ListObjectsImpl(const std::string& bucket, const std::string& prefix,
                         const ObjectVisitor& visit) override;
  StatusOr<std::string> PresignedGetUrlImpl(const std::string& bucket, const std::string& key,
                                            std::chrono::seconds expiry) override;

  Status EnsureBucket(const std::string& bucket);
  // Aborts the pending uploads of one bucket, a listing page at a time.
  Status AbortPendingUploads(const std::string& bucket);
  // HEAD of an object: its answer, NOT_FOUND if missing.
  StatusOr<s3::Response> Head(const std::string& bucket, const std::string& key);

  const S3ArtifactStoreSettings settings_;
  s3::Client client_;
};

}  // namespace mlops
