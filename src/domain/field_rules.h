#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mlops {

// Value rules shared by every entry point (HTTP, CLI). Each returns INVALID_ARGUMENT naming the
// field and the rule it breaks.

// 1..128 chars of A-Za-z0-9._-, starting with a letter or digit.
Status CheckModelName(std::string_view name);
// 1..64 chars of A-Za-z0-9._-, starting with a letter or digit.
Status CheckVersionString(std::string_view version);
// 1..64 chars of a-z0-9_-, e.g. "text_to_image".
Status CheckTaskType(std::string_view task_type);
// Optional free text of at most `max_chars` characters (Unicode code points of UTF-8 text, as
// the contract counts them; not bytes).
Status CheckTextLength(std::string_view field, std::string_view text, std::size_t max_chars);
// 1..5.
Status CheckRating(int rating);
// 1..128 printable characters.
Status CheckKeyName(std::string_view name);

inline constexpr std::size_t kMaxDescriptionChars = 10000;
inline constexpr std::size_t kMaxCommentChars = 4000;

// Reduces an uploaded file name to a safe base name: the part after the last '/' or '\', with
// control characters and characters outside A-Za-z0-9._- replaced by '_', leading dots removed,
// at most 200 bytes. Returns nullopt when nothing usable is left (empty, ".", "..").
std::optional<std::string> SafeFileName(std::string_view raw);

}  // namespace mlops
