// libFuzzer target for the strict zip reader: directory (ZIP64, counts, duplicates), local
// headers and data descriptors, and every entry's content read to its end through the stored and
// inflating streams with small limits.
// Invariants: reading memory never fails with Internal; an entry the reader accepts lies inside
// the file, and its content never exceeds the declared size.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "validation/security/zip_reader.h"

using namespace mlops;
using namespace mlops::validation::security;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  MemoryByteSource source(bytes);
  auto directory = ReadZipDirectory(source, 64);
  if (!directory.ok()) {
    fuzz::Check(directory.status().code() != StatusCode::kInternal, "directory read failed");
    return 0;
  }
  std::uint64_t budget = 1 << 22;
  const InflateLimits limits{1 << 20, 200, 1 << 12, &budget, 1 << 22};
  for (const ZipEntry& entry : directory->entries) {
    auto extent = LocateZipEntryData(source, entry);
    if (!extent.ok()) {
      fuzz::Check(extent.status().code() == StatusCode::kMalformed, "local header read failed");
      continue;
    }
    fuzz::Check(extent->end <= size, "entry extent outside the file");
    auto stream = OpenZipEntry(source, entry, extent->data_offset, limits);
    if (!stream.ok()) continue;
    if (entry.uncompressed_size > (1 << 20)) continue;
    (*stream)->EnforceRatio(true);
    std::string buffer(4096, '\0');
    std::uint64_t total = 0;
    for (;;) {
      auto got = (*stream)->Read(buffer.data(), buffer.size());
      if (!got.ok()) {
        fuzz::Check(got.status().code() != StatusCode::kInternal, "entry read failed");
        break;
      }
      if (*got == 0) break;
      total += *got;
      fuzz::Check(total <= entry.uncompressed_size, "entry content beyond its declared size");
    }
  }
  return 0;
}
