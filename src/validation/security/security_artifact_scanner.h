#pragma once

#include <memory>

#include "common/status.h"
#include "validation/scanner.h"
#include "validation/security/global_allow_list.h"
#include "validation/security/security_scan_settings.h"
#include "validation/security/yara_rules.h"

namespace mlops::validation {

// The built-in security_artifact scan (security/artifact_scan.h): formats told by content, every
// pickle checked against an allow-list of globals, archives and compressed streams opened
// recursively, strict npy and ONNX parsing, YARA rules as labels; what cannot be read
// unambiguously fails. Reads the artifact in chunks: memory does not grow with its size (nested
// zips inside compressed data are spilled to an unnamed temporary file).
// PASSED without findings, FAILED with the first finding as the summary otherwise.
// Thread-safe: Scan may run on several threads at once.
class SecurityArtifactScanner : public Scanner {
 public:
  // Builds the allow-list and compiles the YARA rules. Returns InvalidArgument for an allowed
  // global that is not module.name or a rule that does not compile, NotFound for a missing
  // rules directory.
  static StatusOr<std::unique_ptr<SecurityArtifactScanner>> Create(
      const security::SecurityScanSettings& settings);

  ScanType type() const override { return ScanType::kSecurityArtifact; }
  ScanOutcome Scan(const ScanSubject& subject) override;

 private:
  SecurityArtifactScanner(security::SecurityScanSettings settings,
                          security::GlobalAllowList allow_list,
                          std::shared_ptr<const security::YaraRules> yara)
      : settings_(std::move(settings)),
        allow_list_(std::move(allow_list)),
        yara_(std::move(yara)) {}

  const security::SecurityScanSettings settings_;
  const security::GlobalAllowList allow_list_;
  const std::shared_ptr<const security::YaraRules> yara_;
};

}  // namespace mlops::validation
