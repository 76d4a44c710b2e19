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
  std::uint32_t crc32 = 0;
  bool zip64 = false;  // sizes or offset came from a ZIP64 extra field

  // A Unix symbolic link: made on Unix (host 3) with S_IFLNK in the mode bits.
  bool IsSymlink() const;
  bool IsEncrypted() const { return (flags & 1) != 0; }
};

// Limits applied while an entry is inflated, where a lying directory cannot hide a bomb.
struct InflateLimits {
  std::uint64_t max_output = 0;   // bytes an entry may inflate to
  double max_ratio = 0;           // inflated / compressed bytes ...
  std::uint64_t ratio_floor = 0;  // ... checked once this many bytes are out
  // What all streams of one scan may still produce, shared and decremented (null: no budget),
  // and its starting value, for messages.
  std::uint64_t* budget = nullptr;
  std::uint64_t max_total = 0;
};

// A stream that decompresses, with its limits: an absolute output size always, and the ratio
// while the caller reads content it has seen is no format whose compressibility is expected
// (arrays of zeros compress a thousandfold and are no bomb). The ratio counts the bytes read
// since it was switched on, so one member of a compressed tar is judged by its own bytes.
class DecompressingStream : public ByteStream {
 public:
  explicit DecompressingStream(const InflateLimits& limits) : limits_(limits) {}
  void EnforceRatio(bool on);

 protected:
  // Counts `produced` bytes made from `consumed` more input. Returns TooLarge when the limits
  // are broken.
  Status Account(std::uint64_t produced, std::uint64_t consumed);

 private:
  InflateLimits limits_;
  bool enforce_ratio_ = false;
  std::uint64_t out_ = 0;
  std::uint64_t in_ = 0;
  std::uint64_t ratio_out_ = 0;  // out_ and in_ when the ratio was switched on
  std::uint64_t ratio_in_ = 0;
};

bool HasZipMagic(std::string_view prefix);

struct ZipDirectory {
  std::vector<ZipEntry> entries;
  std::uint64_t offset = 0;  // where the central directory starts: entries lie before it
};

// Reads the central directory (ZIP64 included), refusing every layout that two real readers
// (Python's zipfile, miniz in torch, libarchive) could read differently: an end record that is
// not at the very end (with its comment), a ZIP64 record whose values disagree with the classic
// ones (zipfile follows a ZIP64 locator even when nothing is saturated), a directory whose size
// or record count differs from the end record's, data prepended before the first entry
// (zipfile shifts every offset by it), or two entries of the same name. Returns Malformed naming
// the problem, TooLarge when it holds more than `max_entries` entries.
StatusOr<ZipDirectory> ReadZipDirectory(ByteSource& source, std::size_t max_entries);

// Where an entry's bytes are: its data after the local header, and the end of everything that
// belongs to it (data descriptor included).
struct ZipEntryExtent {
  std::uint64_t data_offset = 0;
  std::uint64_t end = 0;
};

// Reads the entry's local header. Returns Malformed when it is missing or disagrees with the
// central directory (name, method, encryption, sizes, CRC), or a data descriptor does.
StatusOr<ZipEntryExtent> LocateZipEntryData(ByteSource& source, const ZipEntry& entry);

// The entry's content: stored bytes as they are, deflated bytes inflated on the fly with bounded
// memory. The stream's Read returns TooLarge when `limits` are broken and InvalidArgument when
// the data is corrupt or does not match the declared size or CRC. Returns InvalidArgument here for
// methods other than stored and deflated. `source` must outlive the stream.
StatusOr<std::unique_ptr<DecompressingStream>> OpenZipEntry(ByteSource& source,
                                                            const ZipEntry& entry,
                                                            std::uint64_t data_offset,
                                                            const InflateLimits& limits);

}  // namespace mlops::validation::security
