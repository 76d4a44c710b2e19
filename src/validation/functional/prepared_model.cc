#include "validation/functional/prepared_model.h"

#include "runtime/runtime_factory.h"
#include "validation/functional/signature_match.h"

namespace mlops::validation {

StatusOr<nlohmann::json> ParseParameters(const std::optional<JsonText>& parameters) {
  if (!parameters) return nlohmann::json::object();
  nlohmann::json value = nlohmann::json::parse(*parameters, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return InvalidArgument("the version's parameters are not a JSON object");
  return value;
}

StatusOr<ModelRunParameters> ParseModelRunParameters(const nlohmann::json& parameters) {
  ModelRunParameters run;
  if (const auto signature = parameters.find("io_signature"); signature != parameters.end()) {
    ASSIGN_OR_RETURN(run.declared, ParseDeclaredSignature(*signature));
  }
  if (const auto size = parameters.find("dynamic_dim_size"); size != parameters.end()) {
    if (!size->is_number_integer() || size->get<std::int64_t>() < 1) {
      return InvalidArgument("parameters.dynamic_dim_size must be an integer >= 1");
    }
    run.dynamic_dim_size = size->get<std::int64_t>();
  }
  ASSIGN_OR_RETURN(run.test_vectors, ParseTestVectors(parameters));
  return run;
}

StatusOr<PreparedModel> PrepareModel(const ScanSubject& subject,
                                     const ModelRunParameters& parameters,
                                     runtime::InputGenerationOptions options,
                                     const runtime::RuntimeSettings& runtime_settings) {
  ASSIGN_OR_RETURN(std::unique_ptr<runtime::ModelRuntime> runtime,
                   runtime::MakeModelRuntime(subject.version.model_format, runtime_settings));
  PreparedModel prepared;
  ASSIGN_OR_RETURN(prepared.model, runtime->Load(subject.artifact_file));
  ASSIGN_OR_RETURN(prepared.input_specs,
                   ResolveInputSpecs(prepared.model->signature().inputs,
                                     parameters.declared.value_or(DeclaredSignature{})));
  if (parameters.test_vectors) {
    for (std::size_t i = 0; i < parameters.test_vectors->vectors.size(); ++i) {
      StatusOr<std::vector<runtime::Tensor>> ordered = OrderInputs(
          prepared.model->signature().inputs, parameters.test_vectors->vectors[i].inputs);
      if (!ordered.ok()) {
        return InvalidArgument("parameters.test_vectors[" + std::to_string(i) +
                               "]: " + ordered.status().message());
      }
      prepared.vector_inputs.push_back(std::move(*ordered));
    }
    prepared.inputs = prepared.vector_inputs.front();
    return prepared;
  }
  if (parameters.dynamic_dim_size) options.dynamic_dim_size = *parameters.dynamic_dim_size;
  ASSIGN_OR_RETURN(prepared.inputs, runtime::GenerateInputs(prepared.input_specs, options));
  return prepared;
}

ScanOutcome OutcomeForError(const Status& status) {
  ScanOutcome outcome;
  outcome.status = status.code() == StatusCode::kNotImplemented ? ValidationStatus::kSkipped
                                                                : ValidationStatus::kFailed;
  outcome.summary = status.message();
  outcome.details = DumpJson({{"error", status.message()}});
  outcome.report = outcome.details;
  return outcome;
}

}  // namespace mlops::validation
