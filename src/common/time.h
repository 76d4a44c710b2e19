#pragma once

#include <cstdint>
#include <string>

namespace mlops {

// Milliseconds since the Unix epoch, UTC: the resolution the API exposes.
using TimestampMs = std::int64_t;

// Strictly increasing within the process (one millisecond past the previous value when the
// clock has not moved on), so that records created one after another keep that order in lists
// sorted by creation time; a record's time may run a few milliseconds ahead under bursts.
// Thread-safe.
TimestampMs NowMs();

// RFC 3339 UTC with milliseconds and a Z, e.g. 2026-11-22T10:00:00.123Z.
std::string FormatRfc3339(TimestampMs t);

}  // namespace mlops
