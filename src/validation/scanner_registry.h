#pragma once

#include <map>
#include <memory>

#include "domain/enums.h"
#include "validation/scanner.h"

namespace mlops::validation {

// The scanners built into this binary, one per scan type; a type without one is SKIPPED ("no
// scanner for this type is built in"). Filled once at start-up (cli/scanner_setup.cc), then only
// read, from every worker thread.
using ScannerRegistry = std::map<ScanType, std::unique_ptr<Scanner>>;

// Registers `scanner` for the scan type it reports, replacing any scanner of that type.
inline void AddScanner(ScannerRegistry& scanners, std::unique_ptr<Scanner> scanner) {
  const ScanType type = scanner->type();
  scanners[type] = std::move(scanner);
}

}  // namespace mlops::validation
