#pragma once

#include "config/config.h"
#include "domain/enums.h"

namespace mlops::cli {

// `mlops scan-child <scan_type>`, what an IsolatedScanner runs: reads one scan subject as JSON on
// stdin, runs the in-process scanner of `type` on it, writes the outcome as JSON on stdout.
// Returns the exit code: 0 once the outcome is written (whatever it says), 2 for a subject that
// cannot be read, 1 if the scanner cannot be set up.
int ScanChild(const Config& config, ScanType type);

}  // namespace mlops::cli
