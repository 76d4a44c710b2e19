#include "artifacts/s3/s3_artifact_store.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "artifacts/s3/s3_multipart_writer.h"
#include "artifacts/s3/s3_range_reader.h"
#include "artifacts/s3/s3_xml.h"
#include "artifacts/s3/sigv4_presign.h"
#include "common/logging.h"
#include "common/time.h"

namespace mlops {
S3ArtifactStore::S3ArtifactStore(const S3ArtifactStoreSettings& settings, s3::Endpoint endpoint)
    : settings_(settings),
      client_({.endpoint = std::move(endpoint), .credentials = settings.credentials}) {}

StatusOr<std::unique_ptr<S3ArtifactStore>> S3ArtifactStore::Open(
    const S3ArtifactStoreSettings& settings) {
  ASSIGN_OR_RETURN(s3::Endpoint endpoint, s3::ParseEndpoint(settings.endpoint, settings.secure));
  if (settings.part_bytes < s3::kMinPartBytes) {
    return InvalidArgument("the S3 part size must be at least " +
                           std::to_string(s3::kMinPartBytes) + " bytes");
  }
  if (settings.credentials.region.empty()) return InvalidArgument("the S3 region is empty");
  std::unique_ptr<S3ArtifactStore> store(new S3ArtifactStore(settings, std::move(endpoint)));
  for (const std::string& bucket : settings.buckets) {
    RETURN_IF_ERROR(CheckKey(bucket, "probe"));
    RETURN_IF_ERROR(store->EnsureBucket(bucket));
  }
  return store;
}

Status S3ArtifactStore::EnsureBucket(const std::string& bucket) {
  const std::string path = s3::BucketPath(bucket);
  ASSIGN_OR_RETURN(s3::Response head, client_.Send({.method = "HEAD", .path = path}));
  if (s3::Succeeded(head)) return OkStatus();
  if (head.status != 404) return s3::ErrorStatus(head, "HeadBucket " + bucket);
  // Outside us-east-1, S3 wants the region named in the body; MinIO accepts either form.
  std::string body;
  if (settings_.credentials.region != "us-east-1") {
    body = "<CreateBucketConfiguration><LocationConstraint>" +
           s3::XmlEscape(settings_.credentials.region) +
           "</LocationConstraint></CreateBucketConfiguration>";
  }
  ASSIGN_OR_RETURN(s3::Response r, client_.Send({.method = "PUT", .path = path, .body = body}));
  if (s3::Succeeded(r)) return OkStatus();
  // Another replica may have created it since our HEAD: S3 says BucketAlreadyOwnedByYou, some
  // servers (s3rver) BucketAlreadyExists. Either way it is ours if we can now reach it; a
  // bucket owned by someone else still fails the HEAD.
  if (r.status == 409) {
    ASSIGN_OR_RETURN(s3::Response again, client_.Send({.method = "HEAD", .path = path}));
    if (s3::Succeeded(again)) return OkStatus();
  }
  return s3::ErrorStatus(r, "CreateBucket " + bucket);
}

StatusOr<std::unique_ptr<ArtifactWriter>> S3ArtifactStore::BeginWriteImpl(const std::string& bucket,
                                                                          const std::string& key,
                                                                          std::int64_t max_bytes) {
  std::unique_ptr<ArtifactWriter> writer =
      std::make_unique<s3::MultipartWriter>(client_, bucket, key, max_bytes, settings_.part_bytes);
  return writer;
}

StatusOr<s3::Response> S3ArtifactStore::Head(const std::string& bucket, const std::string& key) {
  ASSIGN_OR_RETURN(s3::Response r,
                   client_.Send({.method = "HEAD", .path = s3::ObjectPath(bucket, key)}));
  if (!s3::Succeeded(r)) return s3::ErrorStatus(r, "HeadObject " + bucket + "/" + key);
  return r;
}

StatusOr<ArtifactInfo> S3ArtifactStore::StatImpl(const std::string& bucket,
                                                 const std::string& key) {
  ASSIGN_OR_RETURN(s3::Response r, Head(bucket, key));
  const std::int64_t size = s3::ContentLength(r);
  if (size < 0) return Internal("HeadObject " + bucket + "/" + key + ": no Content-Length");
  return ArtifactInfo{size, ""};
}

StatusOr<std::unique_ptr<ArtifactReader>> S3ArtifactStore::OpenImpl(
    const std::string& bucket, const std::string& key, std::int64_t offset,
    std::optional<std::int64_t> length) {
  return s3::RangeReader::Open(client_, s3::ObjectPath(bucket, key), offset, length,
                               settings_.read_window_bytes);
}

Status S3ArtifactStore::DeleteImpl(const std::string& bucket, const std::string& key) {
  ASSIGN_OR_RETURN(s3::Response r,
                   client_.Send({.method = "DELETE", .path = s3::ObjectPath(bucket, key)}));
  // S3 answers 204 for a missing key too; 404 can only mean a missing bucket: nothing there.
  if (s3::Succeeded(r) || r.status == 404) return OkStatus();
  return s3::ErrorStatus(r, "DeleteObject " + bucket + "/" + key);
}

StatusOr<std::string> S3ArtifactStore::PresignedGetUrlImpl(const std::string& bucket,
                                                           const std::string& key,
                                                           std::chrono::seconds expiry) {
  if (expiry > s3::kMaxPresignExpiry) {
    return InvalidArgument("a presigned URL can be valid for at most 7 days");
  }
  return s3::PresignGetUrl(client_.options().endpoint, s3::ObjectPath(bucket, key),
                           settings_.credentials, std::chrono::system_clock::now(), expiry);
}

// ListObjectsV2, a page of up to 1000 keys at a time.
Status S3ArtifactStore::ListObjectsImpl(const std::string& bucket, const std::string& prefix,
                                        const ObjectVisitor& visit) {
  std::string token;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"},
                                                              {"prefix", prefix}};
    if (!token.empty()) query.push_back({"continuation-token", token});
    ASSIGN_OR_RETURN(s3::Response list, client_.Send({.method = "GET",
                                                      .path = s3::BucketPath(bucket),
                                                      .query = s3::CanonicalQuery(query)}));
    if (!s3::Succeeded(list)) return s3::ErrorStatus(list, "ListObjectsV2 " + bucket);
    for (std::string_view object : s3::XmlElements(list.body, "Contents")) {
      ListedObject listed{.key = s3::XmlText(object, "Key").value_or("")};
      const std::string size = s3::XmlText(object, "Size").value_or("");
      listed.size_bytes = std::strtoll(size.c_str(), nullptr, 10);
      // An unreadable date reads as now: the object looks young, which is the safe side.
      listed.modified_at =
          ParseRfc3339(s3::XmlText(object, "LastModified").value_or("")).value_or(NowMs());
      RETURN_IF_ERROR(visit(listed));
    }
    if (s3::XmlText(list.body, "IsTruncated").value_or("false") != "true") return OkStatus();
    std::string next = s3::XmlText(list.body, "NextContinuationToken").value_or("");
    if (next.empty() || next == token) {
      return Internal("ListObjectsV2 " + bucket + ": truncated listing without progress");
    }
    token = std::move(next);
  }
}

Status S3ArtifactStore::SweepTemporaries() {
  for (const std::string& bucket : settings_.buckets) RETURN_IF_ERROR(AbortPendingUploads(bucket));
  return OkStatus();
}

Status S3ArtifactStore::AbortPendingUploads(const std::string& bucket) {
  const std::string path = s3::BucketPath(bucket);
  const TimestampMs cutoff =
      NowMs() -
      std::chrono::duration_cast<std::chrono::milliseconds>(settings_.abandoned_upload_age).count();
  std::string key_marker, upload_id_marker;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {{"uploads", ""}};
    if (!key_marker.empty()) {
      query.push_back({"key-marker", key_marker});
      query.push_back({"upload-id-marker", upload_id_marker});
    }
    ASSIGN_OR_RETURN(
        s3::Response list,
        client_.Send({.method = "GET", .path = path, .query = s3::CanonicalQuery(query)}));
    if (list.status == 501) {
      // Some S3 implementations (s3rver, some gateways) cannot list uploads. Refusing to start
      // would make them unusable; a lifecycle rule (AbortIncompleteMultipartUpload) is then
      // what removes the leftovers.
      Log(LogLevel::kWarn,
          "cannot sweep pending uploads: the S3 server does not implement "
          "ListMultipartUploads",
          {{"bucket", bucket}});
      return OkStatus();
    }
    if (!s3::Succeeded(list)) return s3::ErrorStatus(list, "ListMultipartUploads " + bucket);
    for (std::string_view upload : s3::XmlElements(list.body, "Upload")) {
      const std::string key = s3::XmlText(upload, "Key").value_or("");
      const std::string id = s3::XmlText(upload, "UploadId").value_or("");
      // Other replicas may be uploading right now: only uploads older than any upload could
      // last are abandoned. An unreadable date is treated as young: kept for the next sweep.
      const std::optional<TimestampMs> initiated =
          ParseRfc3339(s3::XmlText(upload, "Initiated").value_or(""));
      if (!initiated || *initiated > cutoff) continue;
      ASSIGN_OR_RETURN(s3::Response r,
                       client_.Send({.method = "DELETE",
                                     .path = s3::ObjectPath(bucket, key),
                                     .query = s3::CanonicalQuery({{"uploadId", id}})}));
      if (!s3::Succeeded(r) && r.status != 404) {
        return s3::ErrorStatus(r, "AbortMultipartUpload " + bucket + "/" + key);
      }
    }
    if (s3::XmlText(list.body, "IsTruncated").value_or("false") != "true") return OkStatus();
    std::string next_key = s3::XmlText(list.body, "NextKeyMarker").value_or("");
    std::string next_id = s3::XmlText(list.body, "NextUploadIdMarker").value_or("");
    if (next_key.empty() || (next_key == key_marker && next_id == upload_id_marker)) {
      return Internal("ListMultipartUploads " + bucket + ": truncated listing without progress");
    }
    key_marker = std::move(next_key);
    upload_id_marker = std::move(next_id);
  }
}

Status S3ArtifactStore::Ping() {
  for (const std::string& bucket : settings_.buckets) {
    ASSIGN_OR_RETURN(s3::Response r,
                     client_.Send({.method = "HEAD", .path = s3::BucketPath(bucket)}));
    if (!s3::Succeeded(r)) {
      const Status s = s3::ErrorStatus(r, "HeadBucket " + bucket);
      return s.code() == StatusCode::kUnavailable ? s : Unavailable(s.message());
    }
  }
  return OkStatus();
}

}  // namespace mlops
