#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/entities.h"
#include "validation/scanner.h"

// What an isolated scan sends to its child process (the subject) and reads back (the outcome),
// as JSON. Every field of Model and ModelVersion travels, so a scanner run in the child sees
// exactly what it would see in-process.
namespace mlops::validation::isolation {

// A decoded subject, owning what ScanSubject refers to.
struct OwnedScanSubject {
  Model model;
  ModelVersion version;
  std::filesystem::path artifact_file;
  std::string file_name;

  ScanSubject view() const { return {model, version, artifact_file, file_name}; }
};

std::string EncodeScanSubject(const ScanSubject& subject);
// INVALID_ARGUMENT naming the first missing or mistyped field, or for text that is not JSON.
StatusOr<OwnedScanSubject> DecodeScanSubject(std::string_view json);

std::string EncodeScanOutcome(const ScanOutcome& outcome);
// INVALID_ARGUMENT naming the first missing or mistyped field, or for text that is not JSON.
StatusOr<ScanOutcome> DecodeScanOutcome(std::string_view json);

}  // namespace mlops::validation::isolation
