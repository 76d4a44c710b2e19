#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "store/metadata_store.h"

namespace mlops {

// What the MetadataTx implementations share, so that every backend answers with the same
// messages and the same query semantics.

// The least string above every string that starts with `prefix` (bytewise), if there is one: a
// literal prefix filter is the range [prefix, PrefixEnd(prefix)).
std::optional<std::string> PrefixEnd(std::string prefix);

// The messages of the port's NOT_FOUND and CONFLICT errors.
std::string NoSuch(std::string_view what, const std::string& id);
std::string DuplicateId(std::string_view what, const std::string& id);
std::string DuplicateModelName(const std::string& name);
std::string DuplicateVersionString(const std::string& model_id, const std::string& version_string);
inline constexpr char kAnotherProductionVersion[] =
    "another version of this model is already PRODUCTION";
inline constexpr char kDuplicateApiKeyHash[] = "an API key with this hash already exists";
inline constexpr char kValidationLeaseLost[] =
    "the validation job is no longer held under this lease (it expired and was reclaimed, or the "
    "job was finished or released)";

// The value of a lookup by id that must find its row: NOT_FOUND ("no <what> '<id>'") if it did not.
template <typename T>
StatusOr<T> Found(StatusOr<std::optional<T>> found, std::string_view what, const std::string& id) {
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound(NoSuch(what, id));
  return std::move(**found);
}

// Builds a FeedbackSummary from (rating, count) groups, as a GROUP BY rating query returns them.
class FeedbackSummaryBuilder {
 public:
  // Adds `count` feedback with `rating` (nullopt: unrated). INTERNAL for a rating outside 1..5.
  Status Add(std::optional<std::int64_t> rating, std::int64_t count);
  FeedbackSummary Finish() const;

 private:
  FeedbackSummary summary_;
  std::int64_t rated_ = 0;
  std::int64_t rating_sum_ = 0;
};

// Calls `fn(arg)`, turning an exception that escapes it (a bug in a transaction's callback) into
// INTERNAL, so that the transaction still rolls back and the connection goes back to its pool.
template <typename Fn, typename Arg>
Status CallGuarded(const Fn& fn, Arg& arg) {
  try {
    return fn(arg);
  } catch (const std::exception& e) {
    return Internal(std::string("exception in a database transaction: ") + e.what());
  } catch (...) {
    return Internal("unknown exception in a database transaction");
  }
}

}  // namespace mlops
