#pragma once

#include <memory>

#include "common/status.h"
#include "config/config.h"
#include "domain/enums.h"
#include "validation/scanner.h"
#include "validation/scanner_registry.h"

namespace mlops::cli {

// The scanner built into this binary for `type`, running in this process, with its settings from
// `config`. An error for settings that are wrong (a broken content policy, a malformed scanner
// URL): start-up stops rather than failing every scan.
StatusOr<std::unique_ptr<validation::Scanner>> BuildInProcessScanner(const Config& config,
                                                                     ScanType type);

// The scanners `serve` registers, one per scan type. Those that run the uploaded model
// (functional_io, performance_benchmark) are IsolatedScanners running `scan-child` unless
// MLOPS_VALIDATION_ISOLATE_MODELS is false. Errors as BuildInProcessScanner.
StatusOr<validation::ScannerRegistry> BuildScanners(const Config& config);

}  // namespace mlops::cli
