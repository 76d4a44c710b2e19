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

// What an artifact's bytes turned out to be (its outermost layer).
enum class ArtifactFormat { kZip, kTar, kCompressed, kPickle, kNpy, kOnnx, kOpaque };

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
  std::uint64_t zip_entries = 0;  // in all zips, nested ones included
  std::uint64_t tar_members = 0;
  PickleScanStats pickle;
};

// Scans one artifact by its content, never by its name: every structure is read the way the
// most permissive real loader reads it, and what cannot be read unambiguously fails.
//
// Formats are told by their bytes: zip (strict directory, entry paths, symlinks, bombs), tar
// (the same rules for member names and links), gzip, bzip2 and xz (decompressed under size and
// ratio limits), npy (strict header; object arrays hold a pickle), ONNX (strict ModelProto,
// external data) and pickles. Archives and compressed streams are opened recursively up to
// `settings.max_nesting_depth`. Anything else is parsed as a pickle (a stream of them, the legacy
// torch.save layout included), and content that does not parse as one is a finding: inside an
// archive, text that pickle.load rejects before acting (TorchScript code, version files) and raw
// tensor storages named by the archive's pickles are data; at the top, nothing is. ONNX models
// are parsed as pickles too, for polyglots. YARA reads every byte of every stream, as labels.
//
// `file_name` and `declared` (the version's model_format) never switch a scan off: a file named
// or declared ONNX that is no ONNX model is a kMalformedOnnx finding on top of the rest.
//
// Findings go to `findings`. Returns OK when the artifact was scanned to its end; Internal when
// it could not be read, in which case the scan must not pass.
Status ScanArtifact(ByteSource& source, std::string_view file_name, ModelFormat declared,
                    const ScanRules& rules, FindingSink& findings, ArtifactScanStats& stats);

}  // namespace mlops::validation::security
