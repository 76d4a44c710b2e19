#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mlops::validation::security {

class ByteStream;

// Random access to the bytes of an artifact (a file, or memory in tests and fuzzing). Never loads
// more than a caller asks for, so files larger than memory can be scanned. Implementations are
// not thread-safe; use one per scan.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Reads up to `n` bytes at `offset` into `out`; returns how many were read (fewer only at the
  // end). Returns Internal when the underlying read fails.
  virtual StatusOr<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t n) = 0;
};

class MemoryByteSource : public ByteSource {
 public:
  // `data` must outlive the source.
  explicit MemoryByteSource(std::string_view data) : data_(data) {}
  std::uint64_t size() const override { return data_.size(); }
  StatusOr<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t n) override;

 private:
  std::string_view data_;
};

class FileByteSource : public ByteSource {
 public:
  // Returns NotFound or Internal when the file cannot be opened.
  static StatusOr<std::unique_ptr<FileByteSource>> Open(const std::filesystem::path& path);
  ~FileByteSource() override;
  FileByteSource(const FileByteSource&) = delete;
  FileByteSource& operator=(const FileByteSource&) = delete;

  // Copies `stream` to its end into an unnamed temporary file (gone when the source is), for
  // content that must be read at random (a zip inside a compressed or deflated stream). The
  // stream's own errors (limits) are returned as they are; Internal when the file cannot be
  // written.
  static StatusOr<std::unique_ptr<FileByteSource>> Spill(ByteStream& stream);

  std::uint64_t size() const override { return size_; }
  StatusOr<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t n) override;

 private:
  FileByteSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  int fd_;
  std::uint64_t size_;
};

// The bytes [offset, offset + length) of another source, clamped to its size.
class SubByteSource : public ByteSource {
 public:
  SubByteSource(ByteSource& source, std::uint64_t offset, std::uint64_t length);
  std::uint64_t size() const override { return length_; }
  StatusOr<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t n) override;

 private:
  ByteSource& source_;
  std::uint64_t offset_;
  std::uint64_t length_;
};

// A forward-only byte stream: a range of a source, or an entry inflated on the fly.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes; 0 means the end of the stream. Errors are Status values (a read
  // failure, or an inflate error or limit for compressed streams).
  virtual StatusOr<std::size_t> Read(char* out, std::size_t n) = 0;
};

// The bytes [offset, offset + length) of a source, clamped to its size.
class SourceRangeStream : public ByteStream {
 public:
  SourceRangeStream(ByteSource& source, std::uint64_t offset, std::uint64_t length);
  StatusOr<std::size_t> Read(char* out, std::size_t n) override;

 private:
  ByteSource& source_;
  std::uint64_t position_;
  std::uint64_t end_;
};

// Buffers a stream for byte-at-a-time parsing and counts the offset of everything consumed.
// Memory use is one fixed buffer, whatever the stream's length.
class StreamReader {
 public:
  explicit StreamReader(ByteStream& stream, std::size_t buffer_size = 1 << 16);

  // Offset of the next byte from the start of the stream.
  std::uint64_t offset() const { return offset_; }
  // The next byte, or -1 at the end of the stream.
  StatusOr<int> Peek();
  StatusOr<int> Get();
  // Up to `n` of the next bytes without consuming them: fewer at the end of the stream or when
  // the buffer holds fewer (for sniffing a format at the start of a stream).
  StatusOr<std::string_view> PeekPrefix(std::size_t n);
  // Reads up to `n` bytes (fewer at the end of the stream); 0 only at the end.
  StatusOr<std::size_t> ReadSome(char* out, std::size_t n);
  // Appends exactly `n` bytes to `out`. Returns Malformed when the stream ends first.
  Status ReadExact(std::size_t n, std::string& out);
  // Skips exactly `n` bytes. Returns Malformed when the stream ends first.
  Status Skip(std::uint64_t n);
  // Appends the bytes up to (not including) the next '\n', which is consumed. Returns Malformed
  // when the line is longer than `max_length` or the stream ends first.
  Status ReadLine(std::size_t max_length, std::string& out);

 private:
  Status Fill();

  ByteStream& stream_;
  std::string buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t offset_ = 0;
  bool eof_ = false;
};

}  // namespace mlops::validation::security
