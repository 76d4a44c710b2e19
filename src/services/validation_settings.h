#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "domain/enums.h"
#include "domain/validation_decision.h"

namespace mlops {

// How the validation pipeline runs (the settings are documented in config/config.cc).
struct ValidationSettings {
  // Where full reports go, through the artifact store: <bucket>/reports/<version>/<result>.json.
  std::string reports_bucket = "mlops-validation-reports";
  // The scans of a trigger that names none, and of the trigger on upload.
  std::vector<ScanType> default_pipeline = {ScanType::kSecurityArtifact, ScanType::kFunctionalIo,
                                            ScanType::kPerformanceBenchmark,
                                            ScanType::kContentSafety, ScanType::kSecurityContainer};
  ValidationPolicy policy;
  // A version uploaded in PENDING_VALIDATION is queued for the default pipeline in the upload's
  // transaction (ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER).
  bool trigger_on_upload = true;
  int workers = 2;
  // A RUNNING job's lease; its worker renews it every third of this. A crashed worker's job is
  // taken up again once its lease has expired.
  std::chrono::milliseconds lease{30'000};
  // A job claimed this many times without finishing (each time its worker died with it) is
  // FAILED rather than run again.
  int max_attempts = 3;
  // How often idle workers look for jobs queued by other processes (this process wakes them).
  std::chrono::milliseconds poll_interval{1000};
  // Where artifacts are copied for scanning; empty: the system's temporary directory.
  std::string scratch_dir;
  // TESTING ONLY (MLOPS_TEST_ONLY_SCAN_DELAY_MS): each job waits this long under its lease before
  // it scans, so that tests can interrupt a run. Zero in production.
  std::chrono::milliseconds test_only_scan_delay{0};
};

}  // namespace mlops
