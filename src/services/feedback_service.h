#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "domain/entities.h"
#include "domain/feedback_summary.h"
#include "domain/page.h"
#include "store/metadata_store.h"

namespace mlops {

struct NewFeedback {
  std::string model_version_id;
  std::optional<std::string> user_id;
  std::optional<std::string> generation_request_id;
  std::optional<int> rating;
  std::optional<std::string> comment;
  std::optional<JsonText> feedback_data;
};

// User feedback on model versions (docs/http-api.md "Feedback"). Thread-safe.
class FeedbackService {
 public:
  explicit FeedbackService(MetadataStore& store) : store_(store) {}

  // INVALID_ARGUMENT for a rating outside 1..5, an over-long comment, or feedback with none of
  // rating, comment and feedback_data; NOT_FOUND if the version does not exist.
  StatusOr<Feedback> Submit(const NewFeedback& in);
  // NOT_FOUND if the version does not exist.
  StatusOr<Page<Feedback>> List(const std::string& version_id, PageRequest page);
  // NOT_FOUND if the version does not exist.
  StatusOr<FeedbackSummary> Summarize(const std::string& version_id);

 private:
  MetadataStore& store_;
};

}  // namespace mlops
