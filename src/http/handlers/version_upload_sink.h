#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http/multipart_parser.h"
#include "http/router.h"
#include "services/upload_service.h"

namespace mlops::http {

// Streams a multipart upload (`version_details` JSON, then `file`) into a new model version:
// the file part goes straight to the artifact store, never whole into memory. Not thread-safe.
class VersionUploadSink : public BodySink, private MultipartHandler {
 public:
  VersionUploadSink(UploadService& uploads, std::string model_id,
                    std::optional<std::string> user_id, std::string boundary);

  Status Consume(std::string_view chunk) override;
  Response Finish() override;

 private:
  enum class Part { kNone, kDetails, kFile, kIgnored };

  Status OnPartBegin(const PartHeaders& headers) override;
  Status OnPartData(std::string_view data) override;
  Status OnPartEnd() override;

  UploadService& uploads_;
  std::string model_id_;
  std::optional<std::string> user_id_;
  MultipartParser parser_;
  Part part_ = Part::kNone;
  std::string details_json_;
  bool details_seen_ = false;
  std::unique_ptr<VersionUpload> upload_;
};

}  // namespace mlops::http
