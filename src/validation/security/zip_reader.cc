#include "validation/security/zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace mlops::validation::security {
namespace {

constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr std::uint32_t kEndOfDirectorySignature = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::size_t kEndOfDirectorySize = 22;
constexpr std::size_t kMaxCommentSize = 0xffff;
constexpr std::size_t kCentralHeaderSize = 46;
constexpr std::size_t kLocalHeaderSize = 30;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kZip64EndSize = 56;
constexpr std::uint16_t kZip64ExtraId = 0x0001;

std::uint64_t Le(const char* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = bytes; i-- > 0;) value = value << 8 | static_cast<unsigned char>(p[i]);
  return value;
}

Status ReadFully(ByteSource& source, std::uint64_t offset, char* out, std::size_t n) {
  ASSIGN_OR_RETURN(const std::size_t got, source.ReadAt(offset, out, n));
  if (got != n) return Malformed("zip structure runs past the end of the file");
  return OkStatus();
}

struct DirectoryLocation {
  std::uint64_t entries = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// Finds the end-of-central-directory record in the last 64 KiB + 22 bytes, and follows the
// ZIP64 locator before it when the classic fields are saturated.
StatusOr<DirectoryLocation> FindDirectory(ByteSource& source) {
  const std::uint64_t size = source.size();
  if (size < kEndOfDirectorySize) return Malformed("too short for a zip file");
  const std::uint64_t tail_size =
      std::min<std::uint64_t>(size, kEndOfDirectorySize + kMaxCommentSize);
  std::string tail(tail_size, '\0');
  RETURN_IF_ERROR(ReadFully(source, size - tail_size, tail.data(), tail.size()));
  std::size_t at = tail.size() - kEndOfDirectorySize + 1;
  while (at-- > 0) {
    if (Le(tail.data() + at, 4) == kEndOfDirectorySignature) break;
  }
  if (at == static_cast<std::size_t>(-1)) return Malformed("no end of central directory record");
  const char* end = tail.data() + at;
  DirectoryLocation location{Le(end + 10, 2), Le(end + 16, 4), Le(end + 12, 4)};
  const std::uint64_t end_offset = size - tail_size + at;
  const bool saturated = location.entries == 0xffff || location.offset == 0xffffffff ||
                         location.size == 0xffffffff;
  if (saturated && end_offset >= kZip64LocatorSize) {
    char locator[kZip64LocatorSize];
    RETURN_IF_ERROR(ReadFully(source, end_offset - kZip64LocatorSize, locator, sizeof locator));
    if (Le(locator, 4) == kZip64LocatorSignature) {
      char end64[kZip64EndSize];
      RETURN_IF_ERROR(ReadFully(source, Le(locator + 8, 8), end64, sizeof end64));
      if (Le(end64, 4) != kZip64EndSignature) return Malformed("bad ZIP64 end of directory");
      location = {Le(end64 + 32, 8), Le(end64 + 48, 8), Le(end64 + 40, 8)};
    }
  }
  if (location.offset > size || location.size > size - location.offset) {
    return Malformed("central directory lies outside the file");
  }
  return location;
}

// Applies the ZIP64 extra field: each saturated classic field is replaced, in a fixed order.
Status ApplyZip64Extra(std::string_view extra, ZipEntry& entry) {
  std::size_t at = 0;
  while (at + 4 <= extra.size()) {
    const auto id = static_cast<std::uint16_t>(Le(extra.data() + at, 2));
    const std::size_t length = Le(extra.data() + at + 2, 2);
    if (at + 4 + length > extra.size()) return Malformed("extra field runs past its record");
    if (id == kZip64ExtraId) {
      std::string_view data = extra.substr(at + 4, length);
      for (std::uint64_t* field : {&entry.uncompressed_size, &entry.compressed_size,
                                   &entry.local_header_offset}) {
        if (*field != 0xffffffff) continue;
        if (data.size() < 8) return Malformed("ZIP64 extra field too short");
        *field = Le(data.data(), 8);
        data.remove_prefix(8);
      }
    }
    at += 4 + length;
  }
  return OkStatus();
}

// Inflates a raw deflate range. Holds one input and one zlib window: bounded memory.
class InflateStream : public ByteStream {
 public:
  InflateStream(ByteSource& source, const ZipEntry& entry, std::uint64_t data_offset,
                const InflateLimits& limits)
      : input_(source, data_offset, entry.compressed_size),
        declared_size_(entry.uncompressed_size),
        limits_(limits),
        buffer_(1 << 16, '\0') {
    initialized_ = inflateInit2(&z_, -MAX_WBITS) == Z_OK;
  }
  ~InflateStream() override {
    if (initialized_) inflateEnd(&z_);
  }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;

  StatusOr<std::size_t> Read(char* out, std::size_t n) override {
    if (!initialized_) return Internal("zlib could not be initialised");
    if (finished_ || n == 0) return std::size_t{0};
    const auto want = static_cast<uInt>(std::min<std::size_t>(n, 1 << 30));
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = want;
    while (z_.avail_out == want && !finished_) {
      if (z_.avail_in == 0 && !input_done_) {
        ASSIGN_OR_RETURN(const std::size_t got, input_.Read(buffer_.data(), buffer_.size()));
        z_.next_in = reinterpret_cast<Bytef*>(buffer_.data());
        z_.avail_in = static_cast<uInt>(got);
        input_done_ = got == 0;
      }
      const int result = inflate(&z_, Z_NO_FLUSH);
      if (result == Z_STREAM_END) {
        finished_ = true;
      } else if (result == Z_BUF_ERROR && input_done_) {
        return InvalidArgument("deflated data ends before its end marker");
      } else if (result != Z_OK && result != Z_BUF_ERROR) {
        return InvalidArgument(std::string("corrupt deflated data: ") +
                               (z_.msg != nullptr ? z_.msg : "zlib error"));
      }
    }
    RETURN_IF_ERROR(CheckLimits());
    if (finished_ && z_.total_out != declared_size_) {
      return InvalidArgument("inflates to " + std::to_string(z_.total_out) +
                             " bytes, the directory says " + std::to_string(declared_size_));
    }
    return static_cast<std::size_t>(want - z_.avail_out);
  }

 private:
  Status CheckLimits() const {
    const std::uint64_t out = z_.total_out;
    if (out > limits_.max_output) {
      return TooLarge("inflates beyond " + std::to_string(limits_.max_output) + " bytes");
    }
    if (out > declared_size_) {
      return InvalidArgument("inflates beyond the declared " + std::to_string(declared_size_) +
                             " bytes");
    }
    if (out >= limits_.ratio_floor &&
        static_cast<double>(out) >
            limits_.max_ratio * static_cast<double>(std::max<uLong>(z_.total_in, 1))) {
      return TooLarge("inflates at a compression ratio above " +
                      std::to_string(static_cast<long>(limits_.max_ratio)) + ":1");
    }
    return OkStatus();
  }

  SourceRangeStream input_;
  std::uint64_t declared_size_;
  InflateLimits limits_;
  std::string buffer_;
  z_stream z_{};
  bool initialized_ = false;
  bool input_done_ = false;
  bool finished_ = false;
};

}  // namespace

bool ZipEntry::IsSymlink() const {
  constexpr std::uint16_t kUnixHost = 3;
  constexpr std::uint32_t kFileTypeMask = 0170000;
  constexpr std::uint32_t kSymlinkType = 0120000;
  return (version_made_by >> 8) == kUnixHost &&
         ((external_attributes >> 16) & kFileTypeMask) == kSymlinkType;
}

bool HasZipMagic(std::string_view prefix) {
  return prefix.starts_with(std::string_view("PK\x03\x04", 4)) ||
         prefix.starts_with(std::string_view("PK\x05\x06", 4));
}

StatusOr<std::vector<ZipEntry>> ReadZipDirectory(ByteSource& source, std::size_t max_entries) {
  ASSIGN_OR_RETURN(const DirectoryLocation location, FindDirectory(source));
  if (location.entries > max_entries) {
    return TooLarge("zip holds " + std::to_string(location.entries) + " entries, more than " +
                    std::to_string(max_entries));
  }
  SourceRangeStream directory(source, location.offset, location.size);
  StreamReader reader(directory);
  std::vector<ZipEntry> entries;
  entries.reserve(static_cast<std::size_t>(location.entries));
  for (std::uint64_t i = 0; i < location.entries; ++i) {
    std::string header;
    RETURN_IF_ERROR(reader.ReadExact(kCentralHeaderSize, header));
    const char* h = header.data();
    if (Le(h, 4) != kCentralHeaderSignature) return Malformed("bad central directory record");
    ZipEntry entry;
    entry.version_made_by = static_cast<std::uint16_t>(Le(h + 4, 2));
    entry.flags = static_cast<std::uint16_t>(Le(h + 8, 2));
    entry.method = static_cast<std::uint16_t>(Le(h + 10, 2));
    entry.compressed_size = Le(h + 20, 4);
    entry.uncompressed_size = Le(h + 24, 4);
    entry.external_attributes = static_cast<std::uint32_t>(Le(h + 38, 4));
    entry.local_header_offset = Le(h + 42, 4);
    const std::size_t name_length = Le(h + 28, 2);
    const std::size_t extra_length = Le(h + 30, 2);
    const std::size_t comment_length = Le(h + 32, 2);
    RETURN_IF_ERROR(reader.ReadExact(name_length, entry.name));
    std::string extra;
    RETURN_IF_ERROR(reader.ReadExact(extra_length, extra));
    RETURN_IF_ERROR(ApplyZip64Extra(extra, entry));
    RETURN_IF_ERROR(reader.Skip(comment_length));
    entries.push_back(std::move(entry));
  }
  return entries;
}

StatusOr<std::uint64_t> LocateZipEntryData(ByteSource& source, const ZipEntry& entry) {
  char header[kLocalHeaderSize];
  RETURN_IF_ERROR(ReadFully(source, entry.local_header_offset, header, sizeof header));
  if (Le(header, 4) != kLocalHeaderSignature) return Malformed("bad local header");
  const std::size_t name_length = Le(header + 26, 2);
  const std::size_t extra_length = Le(header + 28, 2);
  std::string name(name_length, '\0');
  RETURN_IF_ERROR(ReadFully(source, entry.local_header_offset + kLocalHeaderSize, name.data(),
                            name.size()));
  if (name != entry.name) return Malformed("local header names a different entry");
  const std::uint64_t data_offset =
      entry.local_header_offset + kLocalHeaderSize + name_length + extra_length;
  if (data_offset > source.size() || entry.compressed_size > source.size() - data_offset) {
    return Malformed("entry data runs past the end of the file");
  }
  return data_offset;
}

StatusOr<std::unique_ptr<ByteStream>> OpenZipEntry(ByteSource& source, const ZipEntry& entry,
                                                   std::uint64_t data_offset,
                                                   const InflateLimits& limits) {
  switch (entry.method) {
    case 0:
      if (entry.compressed_size != entry.uncompressed_size) {
        return InvalidArgument("stored entry with different compressed and uncompressed sizes");
      }
      return std::unique_ptr<ByteStream>(
          std::make_unique<SourceRangeStream>(source, data_offset, entry.compressed_size));
    case 8:
      return std::unique_ptr<ByteStream>(
          std::make_unique<InflateStream>(source, entry, data_offset, limits));
    default:
      return InvalidArgument("compression method " + std::to_string(entry.method) +
                             " is not supported");
  }
}

}  // namespace mlops::validation::security
