#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/tensor.h"

namespace mlops::runtime {

// A model loaded into a runtime, ready to run. Not thread-safe: one caller at a time (load one
// per thread to run in parallel).
class LoadedModel {
 public:
  virtual ~LoadedModel() = default;

  // The inputs and outputs as the model file declares them. Outputs the format does not
  // declare (TorchScript) have kUnknown type and no shape.
  virtual const IoSignature& signature() const = 0;

  // What a report should say about how the model was loaded beyond "it loaded": a check that
  // could not run, and why. Empty normally.
  virtual std::vector<std::string> load_notes() const { return {}; }

  // Runs one inference, inputs in signature order. Returns InvalidArgument unless there is one
  // input per declared input, or with the library's message when the model rejects the inputs or
  // fails to run.
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) {
    if (inputs.size() != signature().inputs.size()) {
      return InvalidArgument("the model takes " + std::to_string(signature().inputs.size()) +
                             " inputs, got " + std::to_string(inputs.size()));
    }
    return RunImpl(inputs);
  }

 private:
  virtual StatusOr<std::vector<Tensor>> RunImpl(const std::vector<Tensor>& inputs) = 0;
};

// One inference library. Thread-safe: Load may be called from several threads at once.
class ModelRuntime {
 public:
  virtual ~ModelRuntime() = default;

  // Loads (and, where the format allows, checks) a model file. Returns InvalidArgument with
  // the library's message when the file is not a valid model, NotFound when it cannot be read.
  virtual StatusOr<std::unique_ptr<LoadedModel>> Load(const std::filesystem::path& model_file) = 0;
};

}  // namespace mlops::runtime
