#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace mlops {

// Bytes an unprivileged process may still write on the filesystem holding `path`.
// UNAVAILABLE naming the path if it cannot be examined (missing, no permission).
StatusOr<std::uint64_t> FreeDiskBytes(const std::string& path);

// OK if the filesystem holding `path` has at least `min_free_bytes` free (always, for 0);
// otherwise UNAVAILABLE saying how much is free at `path` and naming MLOPS_MIN_FREE_DISK_BYTES,
// or why the path could not be examined.
Status CheckFreeDiskSpace(const std::string& path, std::uint64_t min_free_bytes);

// For an error met at start-up: if the filesystem holding `path` is (nearly) full, the same error
// with the likely cause put first: "no space left on device at <path> (N bytes free): <error>".
// Otherwise `error` unchanged.
Status ExplainIfDiskFull(const std::string& path, const Status& error);

}  // namespace mlops
