#pragma once

#include <chrono>
#include <string>

#include "domain/enums.h"
#include "validation/scanner.h"

namespace mlops::validation {

// The subcommand of the mlops binary that runs one scan for an IsolatedScanner:
// `mlops scan-child <scan_type>`, the subject as JSON on stdin, the outcome as JSON on stdout.
inline constexpr char kScanChildCommand[] = "scan-child";

struct IsolationSettings {
  // The binary with the scan-child command: by default this very one, even if replaced on disk.
  std::string executable = "/proc/self/exe";
  // A scan still running then is killed and FAILED.
  std::chrono::seconds timeout{600};
};

// Runs each scan of its type in a child process (`<executable> scan-child <type>`), so that a
// model that crashes, aborts or hangs the runtime fails its own scan instead of taking the
// service down or holding a worker for ever. The child's outcome is returned as it is; a child
// killed by a signal, exiting non-zero, writing no readable outcome or running past the timeout
// is a FAILED outcome naming that, with the end of its stderr in the details. Thread-safe: each
// scan has its own child.
class IsolatedScanner final : public Scanner {
 public:
  IsolatedScanner(ScanType type, IsolationSettings settings)
      : type_(type), settings_(std::move(settings)) {}

  ScanType type() const override { return type_; }
  ScanOutcome Scan(const ScanSubject& subject) override;

 private:
  ScanType type_;
  IsolationSettings settings_;
};

}  // namespace mlops::validation
