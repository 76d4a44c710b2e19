#pragma once

#include <cstdint>
#include <string>

namespace mlops {

// Milliseconds since the Unix epoch, UTC: the resolution the API exposes.
using TimestampMs = std::int64_t;

TimestampMs NowMs();

// RFC 3339 UTC with milliseconds and a Z, e.g. 2026-11-22T10:00:00.123Z.
std::string FormatRfc3339(TimestampMs t);

}  // namespace mlops
