#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "validation/container/container_scanner_client.h"
#include "validation/scanner.h"

namespace mlops::validation {

// Configuration of the security_container scan.
struct ContainerScannerSettings {
  // SECURITY_SCANNER_API_ENDPOINT: the scanner's base URL (http or https); the scan is POSTed to
  // <endpoint>/v1/scans (container_scan_protocol.h). Empty (the default): no scanner, and
  // container versions get SKIPPED saying so.
  std::string endpoint{};
  // SECURITY_SCANNER_API_KEY: sent as a bearer token. Secret: never logged or reported.
  std::string api_key{};
  // MLOPS_SECURITY_SCANNER_TIMEOUT_SECONDS (default 300): the longest wait for one scan.
  long timeout_ms = 300'000;
  long connect_timeout_ms = 10'000;
  // MLOPS_SECURITY_SCANNER_MAX_CRITICAL / _MAX_HIGH (default 0): more than this many critical or
  // high vulnerabilities fail the scan.
  std::int64_t max_critical = 0;
  std::int64_t max_high = 0;
};

// INVALID_ARGUMENT naming the variable for an endpoint that is not an http(s) URL, a timeout that
// is not positive or a negative threshold.
Status ValidateContainerScannerSettings(const ContainerScannerSettings& settings);

// security_container: has the version's container image (parameters.container_image, for
// CUSTOM_PYTHON_CONTAINER versions) scanned by the external scanner. FAILED when critical or high
// vulnerabilities exceed the thresholds, and whenever the scan could not be made (scanner
// unreachable, slow, refusing, or answering outside the contract; no or a bad image reference);
// WARNING for medium vulnerabilities, or critical/high ones within the thresholds; PASSED
// otherwise. SKIPPED for versions that are not containers and when no scanner is configured.
// Thread-safe.
class SecurityContainerScanner final : public Scanner {
 public:
  // The error of ValidateContainerScannerSettings, if any.
  static StatusOr<std::unique_ptr<SecurityContainerScanner>> Create(
      ContainerScannerSettings settings);

  ScanType type() const override { return ScanType::kSecurityContainer; }
  ScanOutcome Scan(const ScanSubject& subject) override;

 private:
  explicit SecurityContainerScanner(ContainerScannerSettings settings);
  ScanOutcome ScanImage(const std::string& image, const ModelVersion& version);

  const ContainerScannerSettings settings_;
  std::optional<ContainerScannerClient> client_;  // absent when no endpoint is configured
};

}  // namespace mlops::validation
