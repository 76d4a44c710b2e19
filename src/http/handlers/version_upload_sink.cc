#include "http/handlers/version_upload_sink.h"

#include "http/api_codec.h"
#include "http/responses.h"

namespace mlops::http {
namespace {
constexpr std::size_t kMaxDetailsBytes = 1024 * 1024;
}  // namespace

VersionUploadSink::VersionUploadSink(UploadService& uploads, std::string model_id,
                                     std::optional<std::string> user_id, std::string boundary)
    : uploads_(uploads),
      model_id_(std::move(model_id)),
      user_id_(std::move(user_id)),
      parser_(std::move(boundary), *this) {}

Status VersionUploadSink::Consume(std::string_view chunk) { return parser_.Feed(chunk); }

Response VersionUploadSink::Finish() {
  Status s = parser_.Finish();
  if (!s.ok()) return ErrorResponse(s);
  if (!details_seen_) return ErrorResponse(InvalidArgument("the version_details part is required"));
  if (!upload_) return ErrorResponse(InvalidArgument("the file part is required"));
  StatusOr<ModelVersion> version = upload_->Commit();
  upload_.reset();
  if (!version.ok()) return ErrorResponse(version.status());
  return JsonResponse(201, ToJson(*version));
}

Status VersionUploadSink::OnPartBegin(const PartHeaders& headers) {
  if (headers.name == "version_details") {
    if (details_seen_) return Malformed("the version_details part appears twice");
    details_seen_ = true;
    part_ = Part::kDetails;
    return OkStatus();
  }
  if (headers.name == "file") {
    if (upload_) return Malformed("only one file part is allowed");
    if (!details_seen_) {
      return InvalidArgument("the version_details part must come before the file part");
    }
    if (!headers.filename) return InvalidArgument("the file part needs a filename");
    ASSIGN_OR_RETURN(NewVersion details, DecodeNewVersion(details_json_));
    ASSIGN_OR_RETURN(upload_, uploads_.Begin(model_id_, details, *headers.filename, user_id_));
    part_ = Part::kFile;
    return OkStatus();
  }
  part_ = Part::kIgnored;
  return OkStatus();
}

Status VersionUploadSink::OnPartData(std::string_view data) {
  switch (part_) {
    case Part::kDetails:
      if (details_json_.size() + data.size() > kMaxDetailsBytes) {
        return TooLarge("the version_details part is larger than 1 MiB");
      }
      details_json_.append(data);
      return OkStatus();
    case Part::kFile:
      return upload_->Write(data);
    case Part::kNone:
    case Part::kIgnored:
      return OkStatus();
  }
  return OkStatus();
}

Status VersionUploadSink::OnPartEnd() {
  part_ = Part::kNone;
  return OkStatus();
}

}  // namespace mlops::http
