#pragma once

#include <cstdint>
#include <optional>

namespace mlops {

// The feedback of one version, counted.
struct FeedbackSummary {
  std::int64_t count = 0;
  std::optional<double> average_rating;             // over feedback that has a rating
  std::int64_t rating_counts[5] = {0, 0, 0, 0, 0};  // index 0 is rating 1
};

}  // namespace mlops
