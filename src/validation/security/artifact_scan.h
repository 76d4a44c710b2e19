#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/enums.h"
#include "validation/security/byte_source.h"
#include "validation/security/finding.h"
#include "validation/security/global_allow_list.h"
#include "validation/security/pickle_scanner.h"
#include "validation/security/security_scan_settings.h"
#include "validation/security/yara_rules.h"

namespace mlops::validation::security {

// How an artifact was read, by its content first and its name or declared format second.
enum class ArtifactFormat { kZip, kPickle, kNpy, kOnnx, kOpaque };

std::string_view ToString(ArtifactFormat format);

// Everything a scan consults; shared, read-only, by concurrent scans.
struct ScanRules {
  const GlobalAllowList& allow_list;
  // Null skips pattern matching (the fuzz target exercises the parsers alone).
  const YaraRules* yara;
  const SecurityScanSettings& settings;
  PickleScanLimits pickle_limits;
};

struct ArtifactScanStats {
  ArtifactFormat format = ArtifactFormat::kOpaque;
  std::uint64_t bytes = 0;
  std::uint64_t zip_entries = 0;
  PickleScanStats pickle;
};

// Scans one artifact by format: pickles opcode by opcode, zip containers (entry paths,
// symlinks, bombs, and every pickle and npy entry inside), npy object arrays, ONNX external
// data; YARA over every byte (of each entry's content, for zips). Zips inside zips are matched
// by YARA but not opened. `file_name` and `declared` (the version's model_format) decide what
// content cannot: ONNX, and protocol 0/1 pickles, which have no magic.
//
// Findings go to `findings`. Returns OK when the artifact was scanned to its end; Internal when
// it could not be read, in which case the scan must not pass.
Status ScanArtifact(ByteSource& source, std::string_view file_name, ModelFormat declared,
                    const ScanRules& rules, FindingSink& findings, ArtifactScanStats& stats);

}  // namespace mlops::validation::security
