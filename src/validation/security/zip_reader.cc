#include "validation/security/zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace mlops::validation::security {
namespace {

constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr std::uint32_t kEndOfDirectorySignature = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kDescriptorSignature = 0x08074b50;
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
  std::uint64_t end = 0;  // where the directory must end: the ZIP64 end record, or the end record
};

constexpr std::uint64_t kSaturated16 = 0xffff;
constexpr std::uint64_t kSaturated32 = 0xffffffff;

// A ZIP64 value stands in for a classic one that is saturated; otherwise both must agree.
Status Agree(std::uint64_t classic, std::uint64_t saturated, std::uint64_t zip64,
             const char* what) {
  if (classic != saturated && classic != zip64) {
    return Malformed(std::string("ZIP64 end record disagrees with the end record on the ") + what);
  }
  return OkStatus();
}

// Finds the end-of-central-directory record in the last 64 KiB + 22 bytes (the last signature,
// as zipfile and miniz search), and the ZIP64 records before it when a locator is there.
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
  const std::uint64_t end_offset = size - tail_size + at;
  if (end_offset + kEndOfDirectorySize + Le(end + 20, 2) != size) {
    return Malformed("bytes after the end of central directory record and its comment");
  }
  if (Le(end + 4, 2) != 0 || Le(end + 6, 2) != 0) return Malformed("multi-disk zip");
  if (Le(end + 8, 2) != Le(end + 10, 2)) {
    return Malformed("end record counts " + std::to_string(Le(end + 8, 2)) +
                     " entries on this disk and " + std::to_string(Le(end + 10, 2)) + " in all");
  }
  DirectoryLocation location{Le(end + 10, 2), Le(end + 16, 4), Le(end + 12, 4), end_offset};
  const bool saturated = location.entries == kSaturated16 || location.offset == kSaturated32 ||
                         location.size == kSaturated32;
  char locator[kZip64LocatorSize];
  const bool has_locator =
      end_offset >= kZip64LocatorSize &&
      ReadFully(source, end_offset - kZip64LocatorSize, locator, sizeof locator).ok() &&
      Le(locator, 4) == kZip64LocatorSignature;
  if (has_locator) {
    const std::uint64_t end64_offset = Le(locator + 8, 8);
    if (Le(locator + 4, 4) != 0 || Le(locator + 16, 4) > 1) return Malformed("multi-disk ZIP64");
    char end64[kZip64EndSize];
    if (end64_offset > size - kZip64EndSize) return Malformed("ZIP64 end record outside the file");
    RETURN_IF_ERROR(ReadFully(source, end64_offset, end64, sizeof end64));
    if (Le(end64, 4) != kZip64EndSignature) return Malformed("bad ZIP64 end of directory");
    if (end64_offset + 12 + Le(end64 + 4, 8) != end_offset - kZip64LocatorSize) {
      return Malformed("ZIP64 end record does not lead to its locator");
    }
    if (Le(end64 + 24, 8) != Le(end64 + 32, 8)) return Malformed("ZIP64 entry counts disagree");
    const DirectoryLocation zip64{Le(end64 + 32, 8), Le(end64 + 48, 8), Le(end64 + 40, 8),
                                  end64_offset};
    RETURN_IF_ERROR(Agree(location.entries, kSaturated16, zip64.entries, "entry count"));
    RETURN_IF_ERROR(Agree(location.offset, kSaturated32, zip64.offset, "directory offset"));
    RETURN_IF_ERROR(Agree(location.size, kSaturated32, zip64.size, "directory size"));
    location = zip64;
  } else if (saturated) {
    return Malformed("end record is saturated but there is no ZIP64 locator");
  }
  if (location.offset > location.end || location.size != location.end - location.offset) {
    return Malformed(
        "central directory does not end where the end record is (data before or "
        "between the directory and its end record)");
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
      for (std::uint64_t* field :
           {&entry.uncompressed_size, &entry.compressed_size, &entry.local_header_offset}) {
        if (*field != kSaturated32) continue;
        if (data.size() < 8) return Malformed("ZIP64 extra field too short");
        *field = Le(data.data(), 8);
        data.remove_prefix(8);
        entry.zip64 = true;
      }
    }
    at += 4 + length;
  }
  return OkStatus();
}

// Checks what an entry's bytes add up to against its directory record: size and CRC-32.
class EntryCheck {
 public:
  explicit EntryCheck(const ZipEntry& entry) : entry_(entry) {}

  Status Add(const char* data, std::size_t n) {
    crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(n));
    size_ += n;
    if (size_ > entry_.uncompressed_size) {
      return InvalidArgument("holds more than the declared " +
                             std::to_string(entry_.uncompressed_size) + " bytes");
    }
    return OkStatus();
  }

  Status Finish() const {
    if (size_ != entry_.uncompressed_size) {
      return InvalidArgument("holds " + std::to_string(size_) + " bytes, the directory says " +
                             std::to_string(entry_.uncompressed_size));
    }
    if (crc_ != entry_.crc32) return InvalidArgument("CRC-32 differs from the directory's");
    return OkStatus();
  }

 private:
  const ZipEntry& entry_;
  uLong crc_ = crc32(0, nullptr, 0);
  std::uint64_t size_ = 0;
};

// An entry's compressed bytes and the checks on what they decompress to.
class EntryStream : public DecompressingStream {
 public:
  EntryStream(ByteSource& source, const ZipEntry& entry, std::uint64_t data_offset,
              const InflateLimits& limits)
      : DecompressingStream(limits),
        entry_(entry),
        input_(source, data_offset, entry.compressed_size),
        check_(entry_) {}

 protected:
  ZipEntry entry_;
  SourceRangeStream input_;
  EntryCheck check_;
};

class StoredStream : public EntryStream {
 public:
  using EntryStream::EntryStream;

  StatusOr<std::size_t> Read(char* out, std::size_t n) override {
    ASSIGN_OR_RETURN(const std::size_t got, input_.Read(out, n));
    RETURN_IF_ERROR(check_.Add(out, got));
    RETURN_IF_ERROR(Account(got, got));
    if (got == 0 && n > 0) RETURN_IF_ERROR(check_.Finish());
    return got;
  }
};

// Inflates a raw deflate range. Holds one input and one zlib window: bounded memory.
class InflateStream : public EntryStream {
 public:
  InflateStream(ByteSource& source, const ZipEntry& entry, std::uint64_t data_offset,
                const InflateLimits& limits)
      : EntryStream(source, entry, data_offset, limits), buffer_(1 << 16, '\0') {
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
    const std::size_t produced = want - z_.avail_out;
    RETURN_IF_ERROR(Account(produced, z_.total_in - counted_in_));
    counted_in_ = z_.total_in;
    RETURN_IF_ERROR(check_.Add(out, produced));
    if (finished_) RETURN_IF_ERROR(check_.Finish());
    return produced;
  }

 private:
  std::string buffer_;
  z_stream z_{};
  uLong counted_in_ = 0;
  bool initialized_ = false;
  bool input_done_ = false;
  bool finished_ = false;
};

}  // namespace

void DecompressingStream::EnforceRatio(bool on) {
  enforce_ratio_ = on;
  ratio_out_ = out_;
  ratio_in_ = in_;
}

Status DecompressingStream::Account(std::uint64_t produced, std::uint64_t consumed) {
  out_ += produced;
  in_ += consumed;
  if (limits_.budget != nullptr) {
    if (produced > *limits_.budget) {
      return TooLarge("decompresses beyond what one scan may decompress in all (" +
                      std::to_string(limits_.max_total) + " bytes)");
    }
    *limits_.budget -= produced;
  }
  if (out_ > limits_.max_output) {
    return TooLarge("decompresses beyond " + std::to_string(limits_.max_output) + " bytes");
  }
  const std::uint64_t out = out_ - ratio_out_, in = in_ - ratio_in_;
  if (enforce_ratio_ && out >= limits_.ratio_floor &&
      static_cast<double>(out) >
          limits_.max_ratio * static_cast<double>(std::max<std::uint64_t>(in, 1))) {
    return TooLarge("decompresses at a compression ratio above " +
                    std::to_string(static_cast<long>(limits_.max_ratio)) +
                    ":1 and is no format that explains it");
  }
  return OkStatus();
}

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

StatusOr<ZipDirectory> ReadZipDirectory(ByteSource& source, std::size_t max_entries) {
  ASSIGN_OR_RETURN(const DirectoryLocation location, FindDirectory(source));
  if (location.entries > max_entries) {
    return TooLarge("zip holds " + std::to_string(location.entries) + " entries, more than " +
                    std::to_string(max_entries));
  }
  SourceRangeStream directory(source, location.offset, location.size);
  StreamReader reader(directory);
  ZipDirectory result;
  result.offset = location.offset;
  result.entries.reserve(static_cast<std::size_t>(location.entries));
  std::set<std::string, std::less<>> names;
  for (std::uint64_t i = 0; i < location.entries; ++i) {
    std::string header;
    RETURN_IF_ERROR(reader.ReadExact(kCentralHeaderSize, header));
    const char* h = header.data();
    if (Le(h, 4) != kCentralHeaderSignature) return Malformed("bad central directory record");
    ZipEntry entry;
    entry.version_made_by = static_cast<std::uint16_t>(Le(h + 4, 2));
    entry.flags = static_cast<std::uint16_t>(Le(h + 8, 2));
    entry.method = static_cast<std::uint16_t>(Le(h + 10, 2));
    entry.crc32 = static_cast<std::uint32_t>(Le(h + 16, 4));
    entry.compressed_size = Le(h + 20, 4);
    entry.uncompressed_size = Le(h + 24, 4);
    if (Le(h + 34, 2) != 0) return Malformed("entry on another disk");
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
    if (!names.insert(entry.name).second) {
      return Malformed("two entries are named \"" + entry.name +
                       "\" (readers disagree on which one counts)");
    }
    result.entries.push_back(std::move(entry));
  }
  if (reader.offset() != location.size) {
    return Malformed("central directory holds more than the " + std::to_string(location.entries) +
                     " records its end record counts");
  }
  return result;
}

StatusOr<ZipEntryExtent> LocateZipEntryData(ByteSource& source, const ZipEntry& entry) {
  char header[kLocalHeaderSize];
  RETURN_IF_ERROR(ReadFully(source, entry.local_header_offset, header, sizeof header));
  if (Le(header, 4) != kLocalHeaderSignature) return Malformed("bad local header");
  const std::size_t name_length = Le(header + 26, 2);
  const std::size_t extra_length = Le(header + 28, 2);
  std::string name(name_length, '\0');
  RETURN_IF_ERROR(
      ReadFully(source, entry.local_header_offset + kLocalHeaderSize, name.data(), name.size()));
  if (name != entry.name) return Malformed("local header names a different entry");
  const auto flags = static_cast<std::uint16_t>(Le(header + 6, 2));
  constexpr std::uint16_t kEncrypted = 1, kDescriptor = 8;
  if (((flags ^ entry.flags) & (kEncrypted | kDescriptor)) != 0 ||
      Le(header + 8, 2) != entry.method) {
    return Malformed("local header disagrees with the directory on method or flags");
  }
  const bool descriptor = (entry.flags & kDescriptor) != 0;
  if (!descriptor) {
    // Sizes here are the directory's, or saturated with the ZIP64 values in the local extra.
    const std::uint64_t local_compressed = Le(header + 18, 4);
    const std::uint64_t local_size = Le(header + 22, 4);
    const bool sizes_agree =
        (local_compressed == entry.compressed_size && local_size == entry.uncompressed_size) ||
        (entry.zip64 && local_compressed == kSaturated32 && local_size == kSaturated32);
    if (!sizes_agree || Le(header + 14, 4) != entry.crc32) {
      return Malformed("local header disagrees with the directory on sizes or CRC-32");
    }
  }
  ZipEntryExtent extent;
  extent.data_offset = entry.local_header_offset + kLocalHeaderSize + name_length + extra_length;
  if (extent.data_offset > source.size() ||
      entry.compressed_size > source.size() - extent.data_offset) {
    return Malformed("entry data runs past the end of the file");
  }
  extent.end = extent.data_offset + entry.compressed_size;
  if (descriptor) {
    // [signature] CRC-32, compressed size, size: 4-byte sizes, or 8-byte ones for ZIP64.
    char raw[24];
    const std::size_t sizes = entry.zip64 ? 8 : 4;
    RETURN_IF_ERROR(ReadFully(source, extent.end, raw, 4));
    const std::size_t signature = Le(raw, 4) == kDescriptorSignature ? 4 : 0;
    const std::size_t length = signature + 4 + 2 * sizes;
    RETURN_IF_ERROR(ReadFully(source, extent.end, raw, length));
    const char* fields = raw + signature;
    if (Le(fields, 4) != entry.crc32 || Le(fields + 4, sizes) != entry.compressed_size ||
        Le(fields + 4 + sizes, sizes) != entry.uncompressed_size) {
      return Malformed("data descriptor disagrees with the directory");
    }
    extent.end += length;
  }
  return extent;
}

StatusOr<std::unique_ptr<DecompressingStream>> OpenZipEntry(ByteSource& source,
                                                            const ZipEntry& entry,
                                                            std::uint64_t data_offset,
                                                            const InflateLimits& limits) {
  switch (entry.method) {
    case 0:
      if (entry.compressed_size != entry.uncompressed_size) {
        return InvalidArgument("stored entry with different compressed and uncompressed sizes");
      }
      return std::unique_ptr<DecompressingStream>(
          std::make_unique<StoredStream>(source, entry, data_offset, limits));
    case 8:
      return std::unique_ptr<DecompressingStream>(
          std::make_unique<InflateStream>(source, entry, data_offset, limits));
    default:
      return InvalidArgument("compression method " + std::to_string(entry.method) +
                             " is not supported");
  }
}

}  // namespace mlops::validation::security
