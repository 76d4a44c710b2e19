#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

// Milliseconds since the Unix epoch, UTC: the resolution the API exposes.
using TimestampMs = std::int64_t;

TimestampMs NowMs();

// RFC 3339 UTC with milliseconds and a Z, e.g. 2026-11-22T10:00:00.123Z.
std::string FormatRfc3339(TimestampMs t);

// Parses what FormatRfc3339 writes, with the fraction optional (0 to 9 digits, read to the
// millisecond): the form S3 and most APIs use. nullopt for anything else, offsets included.
std::optional<TimestampMs> ParseRfc3339(std::string_view text);

}  // namespace mlops
