#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "validation/security/byte_source.h"

namespace mlops::validation::security {

// One central directory record, ZIP64 sizes and offsets already applied.
struct ZipEntry {
  std::string name;
  std::uint16_t version_made_by = 0;
  std::uint16_t flags = 0;
  std::uint16_t method = 0;  // 0 stored, 8 deflated
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::uint32_t external_attributes = 0;

  // A Unix symbolic link: made on Unix (host 3) with S_IFLNK in the mode bits.
  bool IsSymlink() const;
  bool IsEncrypted() const { return (flags & 1) != 0; }
};

// Limits applied while an entry is inflated, where a lying directory cannot hide a bomb.
struct InflateLimits {
  std::uint64_t max_output = 0;     // bytes an entry may inflate to
  double max_ratio = 0;             // inflated / compressed bytes ...
  std::uint64_t ratio_floor = 0;    // ... checked once this many bytes are out
};

bool HasZipMagic(std::string_view prefix);

// Reads the central directory (ZIP64 included). Returns Malformed when there is none or it is
// inconsistent, TooLarge when it holds more than `max_entries` entries.
StatusOr<std::vector<ZipEntry>> ReadZipDirectory(ByteSource& source, std::size_t max_entries);

// Offset of the entry's data, after its local header. Returns Malformed when the local header is
// missing or its name differs from the central directory's.
StatusOr<std::uint64_t> LocateZipEntryData(ByteSource& source, const ZipEntry& entry);

// The entry's content: stored bytes as they are, deflated bytes inflated on the fly with bounded
// memory. The stream's Read returns TooLarge when `limits` are broken and InvalidArgument when
// the data is corrupt or does not match the declared size. Returns InvalidArgument here for
// methods other than stored and deflated. `source` must outlive the stream.
StatusOr<std::unique_ptr<ByteStream>> OpenZipEntry(ByteSource& source, const ZipEntry& entry,
                                                   std::uint64_t data_offset,
                                                   const InflateLimits& limits);

}  // namespace mlops::validation::security
