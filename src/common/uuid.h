#pragma once

#include <string>
#include <string_view>

namespace mlops {

// A random (version 4) UUID, lowercase and hyphenated. Thread-safe.
std::string NewUuid();

// True for the canonical 36-character form, any version; upper-case hex digits are accepted.
bool IsUuid(std::string_view text);

// The canonical lowercase form of a UUID that IsUuid() accepts.
std::string CanonicalUuid(std::string_view text);

}  // namespace mlops
