#include "http/router.h"

#include <algorithm>

namespace mlops::http {
namespace {

bool IsPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Lower is better: literal segments matched count for more than placeholders.
int Specificity(const std::vector<std::string>& pattern) {
  int literals = 0;
  for (const auto& s : pattern) literals += IsPlaceholder(s) ? 0 : 1;
  return -literals;
}

}  // namespace

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    const std::size_t end = std::min(path.find('/', start), path.size());
    out.push_back(path.substr(start, end - start));
    start = end;
  }
  return out;
}

void Router::Add(Route route) {
  std::vector<std::string> segments;
  for (auto s : SplitPath(route.pattern)) segments.emplace_back(s);
  routes_.push_back(std::move(route));
  segments_.push_back(std::move(segments));
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  const auto parts = SplitPath(path);
  RouteMatch best;
  int best_score = 1;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = segments_[i];
    if (pattern.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t j = 0; j < parts.size() && ok; ++j) {
      ok = IsPlaceholder(pattern[j]) ? !parts[j].empty() : pattern[j] == parts[j];
    }
    if (!ok) continue;
    const int score = Specificity(pattern);
    if (routes_[i].method != method) {
      best.allowed_methods.push_back(routes_[i].method);
      continue;
    }
    if (score < best_score) {
      best_score = score;
      best.route = &routes_[i];
      best.params.clear();
      for (std::size_t j = 0; j < parts.size(); ++j) {
        if (IsPlaceholder(pattern[j])) {
          best.params[pattern[j].substr(1, pattern[j].size() - 2)] = std::string(parts[j]);
        }
      }
    }
  }
  if (best.route) best.allowed_methods.clear();
  return best;
}

}  // namespace mlops::http
