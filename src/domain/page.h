#pragma once

#include <cstdint>
#include <vector>

namespace mlops {

// Which slice of a list to return. skip >= 0, 1 <= limit <= 1000 (checked at the edge).
struct PageRequest {
  std::int64_t skip = 0;
  std::int64_t limit = 100;
};

// One page of a list, in creation order (created_at, then id), and the count of all matches.
template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

}  // namespace mlops
