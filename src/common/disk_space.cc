#include "common/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mlops {
namespace {

// Below this, SQLite cannot even grow its WAL index: whatever failed, a full disk is the cause
// worth naming first.
constexpr std::uint64_t kNearlyFullBytes = 1 << 20;

// `path`, or its nearest ancestor that exists (a directory that could not be created on a full
// disk is examined through its parent).
std::string NearestExisting(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (ec) return path;
  while (!std::filesystem::exists(p, ec) && p.has_parent_path() && p != p.parent_path()) {
    p = p.parent_path();
  }
  return p.string();
}

}  // namespace

StatusOr<std::uint64_t> FreeDiskBytes(const std::string& path) {
  struct statvfs fs {};
  if (statvfs(path.c_str(), &fs) != 0) {
    return Unavailable("cannot examine the free space at " + path + ": " + std::strerror(errno));
  }
  return static_cast<std::uint64_t>(fs.f_bavail) * static_cast<std::uint64_t>(fs.f_frsize);
}

Status CheckFreeDiskSpace(const std::string& path, std::uint64_t min_free_bytes) {
  if (min_free_bytes == 0) return OkStatus();
  ASSIGN_OR_RETURN(const std::uint64_t free, FreeDiskBytes(path));
  if (free >= min_free_bytes) return OkStatus();
  return Unavailable("low disk space at " + path + ": " + std::to_string(free) +
                     " bytes free, below MLOPS_MIN_FREE_DISK_BYTES (" +
                     std::to_string(min_free_bytes) + ")");
}

Status ExplainIfDiskFull(const std::string& path, const Status& error) {
  if (error.ok()) return error;
  const StatusOr<std::uint64_t> free = FreeDiskBytes(NearestExisting(path));
  if (!free.ok() || *free >= kNearlyFullBytes) return error;
  return Status(error.code(), "no space left on device at " + path + " (" + std::to_string(*free) +
                                  " bytes free): " + error.message());
}

}  // namespace mlops
