#include "services/feedback_service.h"

#include "common/uuid.h"
#include "domain/field_rules.h"

namespace mlops {

StatusOr<Feedback> FeedbackService::Submit(const NewFeedback& in) {
  if (!in.rating && !in.comment && !in.feedback_data) {
    return InvalidArgument("feedback needs at least one of rating, comment and feedback_data");
  }
  if (in.rating) RETURN_IF_ERROR(CheckRating(*in.rating));
  if (in.comment) RETURN_IF_ERROR(CheckTextLength("comment", *in.comment, kMaxCommentChars));
  Feedback feedback;
  feedback.id = NewUuid();
  feedback.model_version_id = in.model_version_id;
  feedback.user_id = in.user_id;
  feedback.generation_request_id = in.generation_request_id;
  feedback.rating = in.rating;
  feedback.comment = in.comment;
  feedback.feedback_data = in.feedback_data;
  feedback.submitted_at = NowMs();
  RETURN_IF_ERROR(store_.Write([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetVersion(in.model_version_id));
    return tx.InsertFeedback(feedback);
  }));
  return feedback;
}

StatusOr<Page<Feedback>> FeedbackService::List(const std::string& version_id, PageRequest page) {
  return ReadValue(store_, [&](MetadataTx& tx) -> StatusOr<Page<Feedback>> {
    RETURN_IF_ERROR(tx.GetVersion(version_id));
    return tx.ListFeedback(version_id, page);
  });
}

StatusOr<FeedbackSummary> FeedbackService::Summarize(const std::string& version_id) {
  return ReadValue(store_, [&](MetadataTx& tx) -> StatusOr<FeedbackSummary> {
    RETURN_IF_ERROR(tx.GetVersion(version_id));
    return tx.SummarizeFeedback(version_id);
  });
}

}  // namespace mlops
