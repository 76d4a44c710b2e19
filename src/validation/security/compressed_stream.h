#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "validation/security/byte_source.h"
#include "validation/security/zip_reader.h"

namespace mlops::validation::security {

enum class Compression { kNone, kGzip, kBzip2, kXz };

std::string_view ToString(Compression compression);

// The compression whose magic `prefix` starts with: gzip (1f 8b), bzip2 ("BZh1"-"BZh9") or xz.
Compression SniffCompression(std::string_view prefix);

// Decompresses `input` (a whole gzip, bzip2 or xz stream, concatenated members included) on the
// fly through libarchive's raw filters, with bounded memory. Compression stacked on itself (gzip
// of gzip) is undone in one go, as libarchive stacks filters; the limits count the final output.
// The stream's Read returns TooLarge when `limits` are broken and InvalidArgument when the data is
// corrupt or truncated. `input` must outlive the stream. Returns Internal when libarchive cannot be
// set up.
StatusOr<std::unique_ptr<DecompressingStream>> OpenDecompressed(ByteStream& input,
                                                                Compression compression,
                                                                const InflateLimits& limits);

}  // namespace mlops::validation::security
