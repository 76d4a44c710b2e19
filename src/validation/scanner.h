#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "domain/entities.h"
#include "domain/enums.h"

namespace mlops::validation {

// What one scan looks at. The artifact is a local file, readable for the duration of the scan:
// the job runner copies it out of the artifact store first, whatever the backend.
struct ScanSubject {
  const Model& model;
  const ModelVersion& version;
  std::filesystem::path artifact_file;
  // The artifact's base name as uploaded (from artifact_path), for telling formats apart by
  // extension where the content alone cannot.
  std::string file_name;
};

// The outcome of one scan.
struct ScanOutcome {
  // PASSED, FAILED, WARNING or SKIPPED; never PENDING or RUNNING.
  ValidationStatus status = ValidationStatus::kFailed;
  // One sentence for a person, naming the decisive finding or the reason for SKIPPED.
  std::string summary;
  // A short JSON object stored in the result row: what a client polling the result reads.
  JsonText details = "{}";
  // The full JSON report, stored in the validation-reports bucket (details_path).
  JsonText report = "{}";
  // functional_io only: the observed input/output signature (a JSON object), stored with the
  // version in its own io_signature field.
  std::optional<JsonText> io_signature;
};

// One kind of validation scan. Implementations must be safe to call from several worker threads
// at once (on different subjects).
class Scanner {
 public:
  virtual ~Scanner() = default;

  virtual ScanType type() const = 0;

  // Never throws. A scan that cannot run to completion (unreadable file, internal error) is a
  // FAILED outcome saying so: a scan that did not run must never pass.
  virtual ScanOutcome Scan(const ScanSubject& subject) = 0;
};

}  // namespace mlops::validation
