#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/status.h"
#include "runtime/input_generator.h"
#include "runtime/model_runtime.h"
#include "runtime/runtime_factory.h"
#include "validation/functional/io_signature_json.h"
#include "validation/functional/test_vectors.h"
#include "validation/scanner.h"

namespace mlops::validation {

// The version's parameters JSON as an object (empty when it has none). Returns InvalidArgument
// when the text is not a JSON object.
StatusOr<nlohmann::json> ParseParameters(const std::optional<JsonText>& parameters);

// What a version's parameters say about running its model.
struct ModelRunParameters {
  // parameters.io_signature, if present.
  std::optional<DeclaredSignature> declared;
  // parameters.dynamic_dim_size: the size for dynamic dimensions the declaration leaves open.
  std::optional<std::int64_t> dynamic_dim_size;
  // parameters.test_vectors: inputs to run and the outputs they must give.
  std::optional<TestVectorSet> test_vectors;
};

// Returns InvalidArgument naming the malformed field.
StatusOr<ModelRunParameters> ParseModelRunParameters(const nlohmann::json& parameters);

// A model loaded into its runtime with generated inputs, ready to run.
struct PreparedModel {
  std::unique_ptr<runtime::LoadedModel> model;
  // The model's inputs, with what it leaves open filled in from the declared signature;
  // dimensions still dynamic here are the dynamic size in `inputs`.
  std::vector<runtime::TensorSpec> input_specs;
  // The inputs to run: the first test vector's when the version declares test vectors (their
  // shapes are the uploader's, valid for the model), generated ones otherwise.
  std::vector<runtime::Tensor> inputs;
  // Each test vector's inputs in the model's input order (empty without test vectors).
  std::vector<std::vector<runtime::Tensor>> vector_inputs;
};

// Loads the subject's artifact into the runtime for its format and generates inputs (or takes
// the test vectors'). Returns NotImplemented when this build has no runtime for the format or
// its library is not installed (a scan to skip), and the runtime's, generator's or test
// vectors' error otherwise (a model that fails).
StatusOr<PreparedModel> PrepareModel(const ScanSubject& subject,
                                     const ModelRunParameters& parameters,
                                     runtime::InputGenerationOptions options,
                                     const runtime::RuntimeSettings& runtime_settings);

// The outcome of a scan stopped by `status`: SKIPPED for NotImplemented (no runtime), FAILED
// with the message otherwise.
ScanOutcome OutcomeForError(const Status& status);

}  // namespace mlops::validation
