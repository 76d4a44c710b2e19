#pragma once

#include "runtime/input_generator.h"
#include "validation/scanner.h"

namespace mlops::validation {

struct FunctionalIoSettings {
  // Seed, default size of dynamic dimensions and the byte budget for generated inputs.
  runtime::InputGenerationOptions inputs;
};

// functional_io: loads the model with the runtime for its format and runs it once on generated
// inputs. ONNX: the ONNX checker and strict shape inference (libonnx), then one run through
// OpenCV DNN. TorchScript: load and one run with libtorch (SKIPPED when built without it).
// TensorFlow SavedModel archives: structure only (WARNING). Containers and OTHER: SKIPPED.
// The observed signature is compared with parameters.io_signature when the version declares
// one, and returned in ScanOutcome::io_signature when the scan passes. Thread-safe.
class FunctionalIoScanner final : public Scanner {
 public:
  explicit FunctionalIoScanner(FunctionalIoSettings settings = {}) : settings_(settings) {}

  ScanType type() const override { return ScanType::kFunctionalIo; }
  ScanOutcome Scan(const ScanSubject& subject) override;

 private:
  ScanOutcome RunModel(const ScanSubject& subject) const;

  FunctionalIoSettings settings_;
};

}  // namespace mlops::validation
