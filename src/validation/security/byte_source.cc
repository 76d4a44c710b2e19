#include "validation/security/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mlops::validation::security {

StatusOr<std::size_t> MemoryByteSource::ReadAt(std::uint64_t offset, char* out, std::size_t n) {
  if (offset >= data_.size()) return std::size_t{0};
  const std::size_t count = std::min<std::uint64_t>(n, data_.size() - offset);
  std::memcpy(out, data_.data() + offset, count);
  return count;
}

StatusOr<std::unique_ptr<FileByteSource>> FileByteSource::Open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    std::string message = "cannot open " + path.string() + ": " + std::strerror(error);
    return error == ENOENT ? NotFound(std::move(message)) : Internal(std::move(message));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return Internal(path.string() + " is not a readable regular file");
  }
  return std::unique_ptr<FileByteSource>(
      new FileByteSource(fd, static_cast<std::uint64_t>(info.st_size)));
}

StatusOr<std::unique_ptr<FileByteSource>> FileByteSource::Spill(ByteStream& stream) {
  const std::string directory = std::filesystem::temp_directory_path().string();
  const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Internal("cannot create a temporary file in " + directory + ": " + std::strerror(errno));
  }
  std::unique_ptr<FileByteSource> source(new FileByteSource(fd, 0));
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(const std::size_t got, stream.Read(buffer.data(), buffer.size()));
    if (got == 0) break;
    std::size_t written = 0;
    while (written < got) {
      const ssize_t n = ::write(fd, buffer.data() + written, got - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return Internal(std::string("temporary file write failed: ") + std::strerror(errno));
      written += static_cast<std::size_t>(n);
    }
    source->size_ += got;
  }
  return source;
}

FileByteSource::~FileByteSource() { ::close(fd_); }

SubByteSource::SubByteSource(ByteSource& source, std::uint64_t offset, std::uint64_t length)
    : source_(source),
      offset_(std::min(offset, source.size())),
      length_(std::min(length, source.size() - offset_)) {}

StatusOr<std::size_t> SubByteSource::ReadAt(std::uint64_t offset, char* out, std::size_t n) {
  if (offset >= length_) return std::size_t{0};
  return source_.ReadAt(offset_ + offset, out, std::min<std::uint64_t>(n, length_ - offset));
}

StatusOr<std::size_t> FileByteSource::ReadAt(std::uint64_t offset, char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n && offset + done < size_) {
    const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Internal(std::string("read failed: ") + std::strerror(errno));
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

SourceRangeStream::SourceRangeStream(ByteSource& source, std::uint64_t offset, std::uint64_t length)
    : source_(source),
      position_(std::min(offset, source.size())),
      end_(position_ + std::min(length, source.size() - position_)) {}

StatusOr<std::size_t> SourceRangeStream::Read(char* out, std::size_t n) {
  const std::size_t want = std::min<std::uint64_t>(n, end_ - position_);
  if (want == 0) return std::size_t{0};
  ASSIGN_OR_RETURN(const std::size_t got, source_.ReadAt(position_, out, want));
  if (got == 0) return Internal("the file shrank while it was being scanned");
  position_ += got;
  return got;
}

StreamReader::StreamReader(ByteStream& stream, std::size_t buffer_size)
    : stream_(stream), buffer_(buffer_size, '\0') {}

Status StreamReader::Fill() {
  if (begin_ < end_ || eof_) return OkStatus();
  begin_ = end_ = 0;
  ASSIGN_OR_RETURN(const std::size_t got, stream_.Read(buffer_.data(), buffer_.size()));
  end_ = got;
  eof_ = got == 0;
  return OkStatus();
}

StatusOr<int> StreamReader::Peek() {
  RETURN_IF_ERROR(Fill());
  if (begin_ == end_) return -1;
  return static_cast<int>(static_cast<unsigned char>(buffer_[begin_]));
}

StatusOr<std::string_view> StreamReader::PeekPrefix(std::size_t n) {
  RETURN_IF_ERROR(Fill());
  return std::string_view(buffer_.data() + begin_, std::min(n, end_ - begin_));
}

StatusOr<int> StreamReader::Get() {
  ASSIGN_OR_RETURN(const int byte, Peek());
  if (byte >= 0) {
    ++begin_;
    ++offset_;
  }
  return byte;
}

StatusOr<std::size_t> StreamReader::ReadSome(char* out, std::size_t n) {
  RETURN_IF_ERROR(Fill());
  const std::size_t take = std::min(n, end_ - begin_);
  std::memcpy(out, buffer_.data() + begin_, take);
  begin_ += take;
  offset_ += take;
  return take;
}

Status StreamReader::ReadExact(std::size_t n, std::string& out) {
  while (n > 0) {
    RETURN_IF_ERROR(Fill());
    if (begin_ == end_) return Malformed("stream ends inside a value");
    const std::size_t take = std::min(n, end_ - begin_);
    out.append(buffer_.data() + begin_, take);
    begin_ += take;
    offset_ += take;
    n -= take;
  }
  return OkStatus();
}

Status StreamReader::Skip(std::uint64_t n) {
  while (n > 0) {
    RETURN_IF_ERROR(Fill());
    if (begin_ == end_) return Malformed("stream ends inside a value");
    const std::size_t take = std::min<std::uint64_t>(n, end_ - begin_);
    begin_ += take;
    offset_ += take;
    n -= take;
  }
  return OkStatus();
}

Status StreamReader::ReadLine(std::size_t max_length, std::string& out) {
  const std::size_t start = out.size();
  for (;;) {
    RETURN_IF_ERROR(Fill());
    if (begin_ == end_) return Malformed("stream ends inside a line");
    const char* data = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(data, '\n', end_ - begin_));
    const std::size_t take = newline ? static_cast<std::size_t>(newline - data) : end_ - begin_;
    if (out.size() - start + take > max_length) return Malformed("line too long");
    out.append(data, take);
    begin_ += take;
    offset_ += take;
    if (newline) {
      ++begin_;
      ++offset_;
      return OkStatus();
    }
  }
}

}  // namespace mlops::validation::security
