#include "store/metadata_tx_common.h"

namespace mlops {

std::optional<std::string> PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::string NoSuch(std::string_view what, const std::string& id) {
  return "no " + std::string(what) + " '" + id + "'";
}

std::string DuplicateId(std::string_view what, const std::string& id) {
  return "a " + std::string(what) + " with id '" + id + "' already exists";
}

std::string DuplicateModelName(const std::string& name) {
  return "a model named '" + name + "' already exists";
}

std::string DuplicateVersionString(const std::string& model_id, const std::string& version_string) {
  return "model '" + model_id + "' already has a version '" + version_string + "'";
}

Status FeedbackSummaryBuilder::Add(std::optional<std::int64_t> rating, std::int64_t count) {
  summary_.count += count;
  if (!rating) return OkStatus();
  if (*rating < 1 || *rating > 5) {
    return Internal("database holds a feedback rating out of range: " + std::to_string(*rating));
  }
  summary_.rating_counts[*rating - 1] = count;
  rated_ += count;
  rating_sum_ += *rating * count;
  return OkStatus();
}

FeedbackSummary FeedbackSummaryBuilder::Finish() const {
  FeedbackSummary summary = summary_;
  if (rated_ > 0) {
    summary.average_rating = static_cast<double>(rating_sum_) / static_cast<double>(rated_);
  }
  return summary;
}

}  // namespace mlops
