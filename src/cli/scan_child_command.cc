#include "cli/scan_child_command.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <iterator>
#include <string>

#include "cli/scanner_setup.h"
#include "common/posix_io.h"
#include "validation/isolation/scan_wire_format.h"

namespace mlops::cli {
namespace {

// The deadline is enforced by the service: a child outliving it (the service killed, or exiting
// with scans in flight) would run on unchecked, so it dies with the thread that started it.
void DieWithTheService() { prctl(PR_SET_PDEATHSIG, SIGKILL); }

// A crash is expected here now and then; its core would hold the model and fill the disk.
void DisableCoreDumps() {
  const rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
}

// Takes stdout for the outcome alone: whatever the runtimes print to stdout goes to stderr
// instead of corrupting it. -1 on failure.
int TakeStdout() {
  const int outcome_fd = dup(STDOUT_FILENO);
  if (outcome_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) return -1;
  return outcome_fd;
}

}  // namespace

int ScanChild(const Config& config, ScanType type) {
  DieWithTheService();
  DisableCoreDumps();
  const posix_io::UniqueFd outcome_fd(TakeStdout());
  if (!outcome_fd.valid()) {
    std::cerr << "mlops scan-child: cannot set up stdout\n";
    return 1;
  }
  const std::string input{std::istreambuf_iterator<char>(std::cin),
                          std::istreambuf_iterator<char>()};
  const StatusOr<validation::isolation::OwnedScanSubject> subject =
      validation::isolation::DecodeScanSubject(input);
  if (!subject.ok()) {
    std::cerr << "mlops scan-child: " << subject.status().message() << "\n";
    return 2;
  }
  StatusOr<std::unique_ptr<validation::Scanner>> scanner = BuildInProcessScanner(config, type);
  if (!scanner.ok()) {
    std::cerr << "mlops scan-child: cannot set up the scanner: " << scanner.status().message()
              << "\n";
    return 1;
  }
  const validation::ScanOutcome outcome = (*scanner)->Scan(subject->view());
  if (posix_io::WriteAll(outcome_fd.get(), validation::isolation::EncodeScanOutcome(outcome)) !=
      0) {
    std::cerr << "mlops scan-child: cannot write the outcome\n";
    return 1;
  }
  return 0;
}

}  // namespace mlops::cli
