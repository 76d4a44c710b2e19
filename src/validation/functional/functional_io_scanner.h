#pragma once

#include "runtime/input_generator.h"
#include "runtime/runtime_factory.h"
#include "validation/scanner.h"

namespace mlops::validation {

struct FunctionalIoSettings {
  // Seed, default size of dynamic dimensions and the byte budget for generated inputs.
  runtime::InputGenerationOptions inputs;
  // How the runtimes are set up (ONNX Runtime's library, threads, optimisation level, arena).
  runtime::RuntimeSettings runtime;
};

// functional_io: loads the model with the runtime for its format and runs it once on generated
// inputs. ONNX: the ONNX checker and strict shape inference (libonnx), then a session and one
// run in ONNX Runtime (SKIPPED naming the reason when the library is not installed).
// TorchScript: load and one run with libtorch (SKIPPED when built without it). When the
// version declares parameters.test_vectors, each vector's inputs run instead and its outputs
// must match the expected ones within parameters.test_vector_tolerance: FAILED naming the
// output, the element and the error otherwise. TensorFlow SavedModel archives: structure only
// (WARNING). Containers and OTHER: SKIPPED. The observed signature is compared with
// parameters.io_signature when the version declares one, and returned in
// ScanOutcome::io_signature when the scan passes. Thread-safe.
class FunctionalIoScanner final : public Scanner {
 public:
  explicit FunctionalIoScanner(FunctionalIoSettings settings = {})
      : settings_(std::move(settings)) {}

  ScanType type() const override { return ScanType::kFunctionalIo; }
  ScanOutcome Scan(const ScanSubject& subject) override;

 private:
  ScanOutcome RunModel(const ScanSubject& subject) const;

  FunctionalIoSettings settings_;
};

}  // namespace mlops::validation
