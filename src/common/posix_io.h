#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

// Small POSIX helpers (the filesystem artifact store, the scan child's pipes): an owning file
// descriptor, loops that survive EINTR and short transfers, and errno mapped to status codes.
namespace mlops::posix_io {

// Owns a file descriptor and closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();
  // Closes now, so that a failing close() can be reported (it may carry a deferred write error).
  // Returns errno, or 0 on success.
  int Close();

 private:
  int fd_ = -1;
};

// Maps errno from `operation` (which names what failed, e.g. "write of bucket/key"):
// ENOSPC/EDQUOT -> UNAVAILABLE "artifact store is full", EIO/EROFS -> UNAVAILABLE,
// anything else -> INTERNAL.
Status ErrnoStatus(std::string_view operation, int err);

// Writes all of `data`, retrying on EINTR and short writes. Returns errno, or 0 on success.
int WriteAll(int fd, std::string_view data);

// Reads up to `size` bytes at `offset` into `out`, retrying on EINTR and short reads; stops
// early only at end of file. Returns the number of bytes read, or -errno.
ssize_t PreadFull(int fd, char* out, std::size_t size, off_t offset);

// fsync()s the directory at `path` so that entries created or renamed in it survive a crash.
// Returns errno, or 0 on success.
int FsyncDirectory(const std::string& path);

// Creates every missing directory of `relative` ('/'-separated) under the existing directory
// `base`, fsyncing the parent of each new one so it survives a crash. Returns errno, or 0.
int MakeDirectories(const std::string& base, std::string_view relative);

}  // namespace mlops::posix_io
