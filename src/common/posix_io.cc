#include "common/posix_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mlops::posix_io {

UniqueFd::~UniqueFd() { Close(); }

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.Release();
  }
  return *this;
}

int UniqueFd::Release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

int UniqueFd::Close() {
  if (fd_ < 0) return 0;
  // Linux releases the descriptor even when close() fails, so it must not be retried on EINTR.
  const int rc = ::close(Release());
  return rc == 0 ? 0 : errno;
}

Status ErrnoStatus(std::string_view operation, int err) {
  std::string what(operation);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return Unavailable("artifact store is full (" + what + ")");
    case EIO:
    case EROFS:
      return Unavailable("artifact store failed: " + what + ": " + std::strerror(err));
    default:
      return Internal(what + " failed: " + std::strerror(err));
  }
}

int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

ssize_t PreadFull(int fd, char* out, std::size_t size, off_t offset) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

int FsyncDirectory(const std::string& path) {
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return errno;
  if (::fsync(dir.get()) != 0) return errno;
  return dir.Close();
}

int MakeDirectories(const std::string& base, std::string_view relative) {
  std::string parent = base;
  std::size_t start = 0;
  while (start < relative.size()) {
    const std::size_t end = std::min(relative.find('/', start), relative.size());
    std::string dir = parent + "/" + std::string(relative.substr(start, end - start));
    if (::mkdir(dir.c_str(), 0755) == 0) {
      if (const int err = FsyncDirectory(parent); err != 0) return err;
    } else if (errno != EEXIST) {
      return errno;
    }
    parent = std::move(dir);
    start = end + 1;
  }
  return 0;
}

}  // namespace mlops::posix_io
