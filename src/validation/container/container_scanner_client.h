#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "net/http_client.h"
#include "validation/container/container_scan_protocol.h"

namespace mlops::validation {

// Where the external container scanner is and how long to wait for it.
struct ContainerScannerEndpoint {
  std::string base_url;  // http(s)://host[:port][/prefix], without the kScanPath
  std::string api_key;   // bearer token; empty: no Authorization header. Secret: never reported.
  long connect_timeout_ms = 10'000;
  long timeout_ms = 300'000;  // the whole request, scan included
};

// Speaks the container scan protocol (container_scan_protocol.h) over net::HttpClient.
// Redirects are not followed, so the key never travels to another host. Thread-safe; connections
// to the scanner are kept and reused between scans.
class ContainerScannerClient {
 public:
  explicit ContainerScannerClient(ContainerScannerEndpoint endpoint);
  ContainerScannerClient(const ContainerScannerClient&) = delete;
  ContainerScannerClient& operator=(const ContainerScannerClient&) = delete;

  // The checked answer about `image`. UNAVAILABLE if the scanner cannot be reached or does not
  // answer in time; UNAVAILABLE for 429 and 5xx answers; PERMISSION_DENIED for 401/403;
  // INVALID_ARGUMENT for other error answers (the image could not be scanned); INTERNAL for a
  // 2xx answer that does not follow the contract. Messages name the scanner's URL.
  StatusOr<ContainerScanAnswer> Scan(std::string_view image, std::string_view model_version_id);

  std::string ScanUrl() const;

 private:
  const ContainerScannerEndpoint endpoint_;
  net::HttpClient http_;
};

}  // namespace mlops::validation
