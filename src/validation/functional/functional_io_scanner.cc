#include "validation/functional/functional_io_scanner.h"

#include <chrono>
#include <exception>
#include <string>

#include "validation/functional/io_signature_json.h"
#include "validation/functional/prepared_model.h"
#include "validation/functional/savedmodel_structure.h"
#include "validation/functional/signature_match.h"

namespace mlops::validation {
namespace {

ScanOutcome Outcome(ValidationStatus status, std::string summary, const nlohmann::json& details,
                    const nlohmann::json& report) {
  ScanOutcome outcome;
  outcome.status = status;
  outcome.summary = std::move(summary);
  outcome.details = DumpJson(details);
  outcome.report = DumpJson(report);
  return outcome;
}

ScanOutcome Skipped(const std::string& reason) {
  return Outcome(ValidationStatus::kSkipped, reason, {{"reason", reason}}, {{"reason", reason}});
}

// What was checked, in order, for the report.
nlohmann::json ChecksFor(ModelFormat format) {
  if (format == ModelFormat::kOnnx) {
    return {"onnx_checker", "onnx_shape_inference", "opencv_dnn_import", "opencv_dnn_run"};
  }
  return {"libtorch_load", "libtorch_run"};
}

std::string PassedSummary(ModelFormat format, const runtime::IoSignature& observed) {
  const std::string counts = " (" + std::to_string(observed.inputs.size()) + " inputs, " +
                             std::to_string(observed.outputs.size()) + " outputs)";
  if (format == ModelFormat::kOnnx) {
    return "ONNX model passed the ONNX checker and shape inference and ran once through OpenCV "
           "DNN on generated inputs" +
           counts;
  }
  return "TorchScript model loaded and ran once with libtorch on generated inputs" + counts;
}

std::string MismatchSummary(const std::vector<std::string>& mismatches) {
  std::string summary = "the model does not match parameters.io_signature: " + mismatches[0];
  if (mismatches.size() > 1) summary += " (and " + std::to_string(mismatches.size() - 1) + " more)";
  return summary;
}

ScanOutcome ScanSavedModel(const ScanSubject& subject) {
  StatusOr<SavedModelStructure> structure = InspectSavedModelArchive(subject.artifact_file);
  if (!structure.ok()) {
    const std::string summary = "TensorFlow SavedModel upload: " + structure.status().message();
    return Outcome(ValidationStatus::kFailed, summary, {{"error", summary}}, {{"error", summary}});
  }
  const nlohmann::json details = {{"root", structure->root},
                                  {"saved_model_pb", structure->has_saved_model_pb},
                                  {"variables", structure->has_variables},
                                  {"entries", structure->entries},
                                  {"structure_only", true}};
  if (!structure->has_saved_model_pb) {
    return Outcome(ValidationStatus::kFailed,
                   "TensorFlow SavedModel archive has no saved_model.pb at its root or in one "
                   "top-level directory",
                   details, details);
  }
  if (!structure->has_variables) {
    return Outcome(ValidationStatus::kFailed,
                   "TensorFlow SavedModel archive has no variables/ directory beside "
                   "saved_model.pb",
                   details, details);
  }
  return Outcome(ValidationStatus::kWarning,
                 "TensorFlow SavedModel: only the structure was checked (saved_model.pb and "
                 "variables/ present); the model was not loaded or run",
                 details, details);
}

}  // namespace

ScanOutcome FunctionalIoScanner::Scan(const ScanSubject& subject) {
  try {
    switch (subject.version.model_format) {
      case ModelFormat::kOnnx:
      case ModelFormat::kPytorchTorchscript:
        return RunModel(subject);
      case ModelFormat::kTensorflowSavedmodel:
        return ScanSavedModel(subject);
      case ModelFormat::kCustomPythonContainer:
        return Skipped(
            "CUSTOM_PYTHON_CONTAINER models are images, not model files: functional_io "
            "does not run them");
      case ModelFormat::kOther:
        return Skipped("model format OTHER: no runtime to load it with");
    }
    return Skipped("unknown model format");
  } catch (const std::exception& e) {
    return OutcomeForError(Internal(std::string("functional_io failed: ") + e.what()));
  } catch (...) {
    return OutcomeForError(Internal("functional_io failed with an unknown exception"));
  }
}

ScanOutcome FunctionalIoScanner::RunModel(const ScanSubject& subject) const {
  const ModelFormat format = subject.version.model_format;
  StatusOr<nlohmann::json> parameters = ParseParameters(subject.version.parameters);
  if (!parameters.ok()) return OutcomeForError(parameters.status());
  StatusOr<ModelRunParameters> run_parameters = ParseModelRunParameters(*parameters);
  if (!run_parameters.ok()) return OutcomeForError(run_parameters.status());
  StatusOr<PreparedModel> prepared = PrepareModel(subject, *run_parameters, settings_.inputs);
  if (!prepared.ok()) return OutcomeForError(prepared.status());

  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::vector<runtime::Tensor>> outputs = prepared->model->Run(prepared->inputs);
  const double run_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!outputs.ok()) return OutcomeForError(outputs.status());

  const runtime::IoSignature observed =
      ObservedSignature(prepared->model->signature(), prepared->input_specs, *outputs);
  const std::vector<std::string> mismatches =
      run_parameters->declared ? FindSignatureMismatches(*run_parameters->declared, observed)
                               : std::vector<std::string>();
  const nlohmann::json signature = IoSignatureToJson(observed);
  const nlohmann::json details = {
      {"format", ToString(format)},
      {"inputs", observed.inputs.size()},
      {"outputs", observed.outputs.size()},
      {"run_ms", run_ms},
      {"declared_signature_compared", run_parameters->declared.has_value()},
      {"mismatches", mismatches}};
  nlohmann::json report = details;
  report["checks"] = ChecksFor(format);
  report["observed_signature"] = signature;
  report["generated_inputs"] = TensorsToJson(prepared->inputs);
  report["run_outputs"] = TensorsToJson(*outputs);
  if (const auto declared = parameters->find("io_signature"); declared != parameters->end()) {
    report["declared_signature"] = *declared;
  }

  if (!mismatches.empty()) {
    return Outcome(ValidationStatus::kFailed, MismatchSummary(mismatches), details, report);
  }
  ScanOutcome outcome =
      Outcome(ValidationStatus::kPassed, PassedSummary(format, observed), details, report);
  outcome.io_signature = DumpJson(signature);
  return outcome;
}

}  // namespace mlops::validation
