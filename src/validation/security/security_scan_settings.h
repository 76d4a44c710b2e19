#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mlops::validation::security {

// Configuration of the security_artifact scan. The defaults suit PyTorch, numpy and ONNX
// artifacts; the proposed environment variables are named beside each field.
struct SecurityScanSettings {
  // Globals allowed on top of the built-in list, each "module.name"
  // (MLOPS_PICKLE_ALLOWED_GLOBALS, comma-separated).
  std::vector<std::string> extra_allowed_globals;
  // Compressed content (a zip entry, gzip, bzip2, xz) whose decompressed size exceeds this many
  // times its compressed size is a bomb, once it is past `zip_ratio_floor_bytes`, unless the
  // content is a format that explains it (an npy array of zeros, a pickle, an archive): the
  // ratio is a secondary signal, the absolute limits below are the first
  // (MLOPS_ZIP_MAX_COMPRESSION_RATIO). Deflate cannot exceed ~1032:1; text stays under 20:1.
  double zip_max_compression_ratio = 200;
  // Small entries are exempt from the ratio: 1 MiB of zeros is harmless however well it packs.
  std::uint64_t zip_ratio_floor_bytes = 1 << 20;
  // Largest decompressed size of one zip entry or gzip/bzip2/xz stream (MLOPS_ZIP_MAX_ENTRY_BYTES).
  std::uint64_t zip_max_entry_bytes = std::uint64_t{16} << 30;
  // Most entries in one zip (MLOPS_ZIP_MAX_ENTRIES).
  std::size_t zip_max_entries = 100'000;
  // Bytes all decompression of one artifact may produce, nested archives included
  // (MLOPS_SCAN_MAX_DECOMPRESSED_BYTES).
  std::uint64_t max_decompressed_bytes = std::uint64_t{16} << 30;
  // How deep archives and compressed streams may nest (a .tar.gz member sits at depth 2) before
  // the scan fails
  // (MLOPS_SCAN_MAX_NESTING_DEPTH).
  int max_nesting_depth = 4;
  // Directory of extra *.yar / *.yara rule files compiled with the shipped ones; empty for none
  // (MLOPS_YARA_RULES_DIR).
  std::filesystem::path extra_yara_rules_dir;
};

}  // namespace mlops::validation::security
