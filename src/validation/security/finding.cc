#include "validation/security/finding.h"

#include <utility>

namespace mlops::validation::security {

std::string_view ToString(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDisallowedGlobal:
      return "disallowed_global";
    case FindingKind::kUnresolvableImport:
      return "unresolvable_import";
    case FindingKind::kMalformedPickle:
      return "malformed_pickle";
    case FindingKind::kBuildOnGlobal:
      return "build_on_global";
    case FindingKind::kUnexpectedPersistentId:
      return "unexpected_persistent_id";
    case FindingKind::kUnsafeZipPath:
      return "unsafe_zip_path";
    case FindingKind::kZipSymlink:
      return "zip_symlink";
    case FindingKind::kZipBomb:
      return "zip_bomb";
    case FindingKind::kMalformedZip:
      return "malformed_zip";
    case FindingKind::kMalformedTar:
      return "malformed_tar";
    case FindingKind::kMalformedCompressed:
      return "malformed_compressed";
    case FindingKind::kMalformedNpy:
      return "malformed_npy";
    case FindingKind::kUnknownContent:
      return "unknown_content";
    case FindingKind::kEscapingExternalData:
      return "escaping_external_data";
    case FindingKind::kMalformedOnnx:
      return "malformed_onnx";
    case FindingKind::kYaraMatch:
      return "yara_match";
    case FindingKind::kLimitExceeded:
      return "limit_exceeded";
  }
  return "unknown";
}

void FindingSink::Add(Finding finding) {
  ++total_;
  ++counts_[finding.kind];
  if (kept_.size() < max_kept_) kept_.push_back(std::move(finding));
}

}  // namespace mlops::validation::security
