#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/entities.h"

// The contract between mlops and an external container image scanner (version 1). A scanner
// such as Trivy server, Clair or Snyk is put behind a small adapter that speaks it; mlops never
// invents a result when none is reachable.
//
// Request
//   POST {SECURITY_SCANNER_API_ENDPOINT}/v1/scans
//   Authorization: Bearer {SECURITY_SCANNER_API_KEY}     (sent only when a key is configured)
//   Content-Type: application/json
//   Accept: application/json
//   {"image": "registry.example.com/team/model:1.2.0", "model_version_id": "..."}
// The scanner answers when the scan is complete (mlops waits up to its timeout setting).
//
// Answer, 200 OK:
//   {
//     "image": "registry.example.com/team/model:1.2.0",   optional; if given, must be the request's
//     "digest": "sha256:...",                              optional: what was actually scanned
//     "scanner": {"name": "trivy", "version": "0.50.1"},   optional
//     "vulnerabilities": {"critical": 0, "high": 1, "medium": 4, "low": 9, "unknown": 0},
//     "findings": [{"id": "CVE-2024-0001", "severity": "HIGH", "package": "openssl",
//                   "installed_version": "3.0.11", "fixed_version": "3.0.13"}, ...]   optional
//   }
// "vulnerabilities" is required, with non-negative integer counts for critical, high, medium and
// low ("unknown" may be left out: 0). Findings are copied into the report as they are (the first
// kMaxReportedFindings), never interpreted: the counts decide.
//
// Errors: any other status, optionally with {"error": "message"}. 400, 404 and 422 mean the image
// could not be scanned (bad reference, image not found); 401 and 403 a rejected key; 429 and 5xx
// an unavailable scanner. To mlops every one is a scan that did not run: FAILED.
namespace mlops::validation {

inline constexpr std::string_view kScanPath = "/v1/scans";
inline constexpr std::size_t kMaxReportedFindings = 500;

struct VulnerabilityCounts {
  std::int64_t critical = 0;
  std::int64_t high = 0;
  std::int64_t medium = 0;
  std::int64_t low = 0;
  std::int64_t unknown = 0;
};

// A scanner's successful answer, checked.
struct ContainerScanAnswer {
  VulnerabilityCounts counts;
  std::string digest;  // empty if not given
  JsonText scanner;    // the "scanner" object as given, "{}" if absent
  JsonText findings;   // a JSON array, at most kMaxReportedFindings entries
  bool findings_truncated = false;
};

// The request body for scanning `image` on behalf of a model version.
std::string ScanRequestBody(std::string_view image, std::string_view model_version_id);

// Checks and reads a 200 answer's body for a request about `image`. INTERNAL naming the problem
// for anything but the documented shape (not JSON, no or bad counts, another image).
StatusOr<ContainerScanAnswer> ParseScanAnswer(std::string_view body, std::string_view image);

// The "error" message of an error answer's body, or the start of the body if it has none.
std::string ErrorMessageOf(std::string_view body);

}  // namespace mlops::validation
