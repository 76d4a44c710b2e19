#include "artifacts/s3/s3_multipart_writer.h"

#include <utility>

#include "artifacts/s3/s3_xml.h"

namespace mlops::s3 {
namespace {

// A part is resent this many times in all when S3 is briefly unavailable; its bytes are still in
// memory, so a retry is cheap and saves the whole upload.
constexpr int kPartAttempts = 3;
// Objects that stay below this never need a whole part's memory reserved up front.
constexpr std::size_t kSmallObjectBytes = 1 << 20;

}  // namespace

MultipartWriter::MultipartWriter(Client& client, std::string bucket, std::string key,
                                 std::int64_t max_bytes, std::size_t part_bytes)
    : ArtifactWriter(max_bytes),
      client_(client),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      path_(ObjectPath(bucket_, key_)),
      part_bytes_(part_bytes) {}

MultipartWriter::~MultipartWriter() {
  if (upload_id_.empty() || published_) return;
  // Best effort: if this fails too, SweepTemporaries() removes the upload at the next start.
  (void)client_.Send({.method = "DELETE", .path = path_, .query = UploadQuery()});
}

std::string MultipartWriter::UploadQuery() const {
  return CanonicalQuery({{"uploadId", upload_id_}});
}

Status MultipartWriter::WriteImpl(std::string_view chunk) {
  while (!chunk.empty()) {
    const std::size_t take = std::min(chunk.size(), part_bytes_ - buffer_.size());
    const std::size_t needed = buffer_.size() + take;
    // Reserving the whole part once avoids the doubling reallocations that would briefly hold
    // one and a half parts.
    if (needed > buffer_.capacity() && needed > kSmallObjectBytes) buffer_.reserve(part_bytes_);
    buffer_.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    if (buffer_.size() == part_bytes_) {
      if (upload_id_.empty()) RETURN_IF_ERROR(CreateUpload());
      RETURN_IF_ERROR(UploadPart());
    }
  }
  return OkStatus();
}

Status MultipartWriter::FinishImpl() {
  if (upload_id_.empty() || buffer_.empty()) return OkStatus();
  return UploadPart();
}

Status MultipartWriter::PublishImpl() {
  RETURN_IF_ERROR(upload_id_.empty() ? PutWholeObject() : CompleteUpload());
  published_ = true;
  return OkStatus();
}

Status MultipartWriter::CreateUpload() {
  const std::string what = "CreateMultipartUpload " + bucket_ + "/" + key_;
  ASSIGN_OR_RETURN(Response r,
                   client_.Send({.method = "POST",
                                 .path = path_,
                                 .query = CanonicalQuery({{"uploads", ""}}),
                                 .headers = {{"Content-Type", "application/octet-stream"}}}));
  if (!Succeeded(r)) return ErrorStatus(r, what);
  std::optional<std::string> id = XmlText(r.body, "UploadId");
  if (!id || id->empty()) return Internal(what + ": no UploadId in the answer");
  upload_id_ = std::move(*id);
  return OkStatus();
}

Status MultipartWriter::UploadPart() {
  const int part_number = static_cast<int>(etags_.size()) + 1;
  if (part_number > kMaxParts) {
    return TooLarge("object exceeds S3's limit of " + std::to_string(kMaxParts) + " parts of " +
                    std::to_string(part_bytes_) + " bytes; raise MLOPS_S3_PART_SIZE_BYTES");
  }
  const std::string what =
      "UploadPart " + std::to_string(part_number) + " of " + bucket_ + "/" + key_;
  Status last;
  for (int attempt = 1; attempt <= kPartAttempts; ++attempt) {
    StatusOr<Response> r =
        client_.Send({.method = "PUT",
                      .path = path_,
                      .query = CanonicalQuery(
                          {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id_}}),
                      .body = buffer_});
    if (r.ok() && Succeeded(*r)) {
      const auto etag = r->headers.find("etag");
      if (etag == r->headers.end()) return Internal(what + ": no ETag in the answer");
      etags_.push_back(etag->second);
      buffer_.clear();
      return OkStatus();
    }
    last = r.ok() ? ErrorStatus(*r, what) : r.status();
    if (last.code() != StatusCode::kUnavailable) break;
  }
  return last;
}

Status MultipartWriter::CompleteUpload() {
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags_.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
           XmlEscape(etags_[i]) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  ASSIGN_OR_RETURN(Response r, client_.Send({.method = "POST",
                                             .path = path_,
                                             .query = UploadQuery(),
                                             .headers = {{"Content-Type", "application/xml"}},
                                             .body = xml}));
  if (!Succeeded(r)) return ErrorStatus(r, "CompleteMultipartUpload " + bucket_ + "/" + key_);
  return OkStatus();
}

Status MultipartWriter::PutWholeObject() {
  ASSIGN_OR_RETURN(Response r,
                   client_.Send({.method = "PUT",
                                 .path = path_,
                                 .headers = {{"Content-Type", "application/octet-stream"}},
                                 .body = buffer_}));
  if (!Succeeded(r)) return ErrorStatus(r, "PutObject " + bucket_ + "/" + key_);
  return OkStatus();
}

}  // namespace mlops::s3
