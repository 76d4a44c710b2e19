#include "validation/functional/functional_io_scanner.h"

#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <string>

#include "validation/functional/io_signature_json.h"
#include "validation/functional/prepared_model.h"
#include "validation/functional/savedmodel_structure.h"
#include "validation/functional/signature_match.h"
#include "validation/functional/test_vectors.h"

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
nlohmann::json ChecksFor(ModelFormat format, bool test_vectors, bool libonnx_skipped) {
  nlohmann::json checks = nlohmann::json{"libtorch_load", "libtorch_run"};
  if (format == ModelFormat::kOnnx) {
    checks = libonnx_skipped ? nlohmann::json{"onnxruntime_session", "onnxruntime_run"}
                             : nlohmann::json{"onnx_checker", "onnx_shape_inference",
                                              "onnxruntime_session", "onnxruntime_run"};
  }
  if (test_vectors) checks.push_back("test_vector_outputs");
  return checks;
}

std::string PassedSummary(ModelFormat format, const runtime::IoSignature& observed,
                          const TestVectorSet* test_vectors,
                          const std::vector<std::string>& load_notes) {
  const std::string counts = " (" + std::to_string(observed.inputs.size()) + " inputs, " +
                             std::to_string(observed.outputs.size()) + " outputs)";
  const std::string ran =
      test_vectors == nullptr
          ? "ran once on generated inputs"
          : fmt::format("matched the expected outputs of {} test vector{} (atol {:g}, rtol {:g})",
                        test_vectors->vectors.size(), test_vectors->vectors.size() == 1 ? "" : "s",
                        test_vectors->tolerance.atol, test_vectors->tolerance.rtol);
  if (format == ModelFormat::kOnnx && !load_notes.empty()) {
    return "ONNX model loaded into ONNX Runtime (" + load_notes[0] + ") and " + ran + counts;
  }
  if (format == ModelFormat::kOnnx) {
    return "ONNX model passed the ONNX checker and shape inference, loaded into ONNX Runtime and " +
           ran + counts;
  }
  return "TorchScript model loaded with libtorch and " + ran + counts;
}

std::string WrongOutputsSummary(const std::vector<std::string>& wrong) {
  std::string summary = "wrong numbers: " + wrong[0];
  if (wrong.size() > 1) summary += " (and " + std::to_string(wrong.size() - 1) + " more)";
  return summary;
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
  StatusOr<PreparedModel> prepared =
      PrepareModel(subject, *run_parameters, settings_.inputs, settings_.runtime);
  if (!prepared.ok()) return OutcomeForError(prepared.status());

  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::vector<runtime::Tensor>> outputs = prepared->model->Run(prepared->inputs);
  const double run_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!outputs.ok()) {
    const std::string prefix = run_parameters->test_vectors ? "test vector 0: " : "";
    return OutcomeForError(Status(outputs.status().code(), prefix + outputs.status().message()));
  }

  // Test vectors: every one runs (the first already has) and its outputs must match.
  nlohmann::json vector_reports = nlohmann::json::array();
  std::vector<std::string> wrong_outputs;
  if (run_parameters->test_vectors) {
    const TestVectorSet& set = *run_parameters->test_vectors;
    for (std::size_t i = 0; i < set.vectors.size(); ++i) {
      StatusOr<std::vector<runtime::Tensor>> vector_outputs =
          i == 0 ? outputs : prepared->model->Run(prepared->vector_inputs[i]);
      if (!vector_outputs.ok()) {
        return OutcomeForError(
            Status(vector_outputs.status().code(),
                   "test vector " + std::to_string(i) + ": " + vector_outputs.status().message()));
      }
      nlohmann::json compared = nlohmann::json::array();
      for (const OutputComparison& comparison :
           CompareOutputs(set.vectors[i].expected_outputs, *vector_outputs, set.tolerance)) {
        compared.push_back({{"name", comparison.name},
                            {"matches", comparison.matches},
                            {"max_abs_error", comparison.max_abs_error}});
        if (!comparison.matches) {
          compared.back()["mismatch"] = comparison.mismatch;
          wrong_outputs.push_back("test vector " + std::to_string(i) + ": " + comparison.mismatch);
        }
      }
      vector_reports.push_back({{"index", i},
                                {"input_shapes", TensorsToJson(prepared->vector_inputs[i])},
                                {"outputs", compared}});
    }
  }

  const runtime::IoSignature observed =
      ObservedSignature(prepared->model->signature(), prepared->input_specs, *outputs);
  const std::vector<std::string> mismatches =
      run_parameters->declared ? FindSignatureMismatches(*run_parameters->declared, observed)
                               : std::vector<std::string>();
  const nlohmann::json signature = IoSignatureToJson(observed);
  nlohmann::json details = {{"format", ToString(format)},
                            {"inputs", observed.inputs.size()},
                            {"outputs", observed.outputs.size()},
                            {"run_ms", run_ms},
                            {"declared_signature_compared", run_parameters->declared.has_value()},
                            {"mismatches", mismatches}};
  if (run_parameters->test_vectors) {
    details["test_vectors"] = run_parameters->test_vectors->vectors.size();
    details["test_vector_tolerance"] = {{"atol", run_parameters->test_vectors->tolerance.atol},
                                        {"rtol", run_parameters->test_vectors->tolerance.rtol}};
    details["wrong_outputs"] = wrong_outputs;
  }
  nlohmann::json report = details;
  const std::vector<std::string> load_notes = prepared->model->load_notes();
  report["checks"] =
      ChecksFor(format, run_parameters->test_vectors.has_value(), !load_notes.empty());
  if (!load_notes.empty()) report["load_notes"] = load_notes;
  report["observed_signature"] = signature;
  report[run_parameters->test_vectors ? "test_vector_inputs" : "generated_inputs"] =
      TensorsToJson(prepared->inputs);
  report["run_outputs"] = TensorsToJson(*outputs);
  if (run_parameters->test_vectors) report["test_vector_results"] = vector_reports;
  if (const auto declared = parameters->find("io_signature"); declared != parameters->end()) {
    report["declared_signature"] = *declared;
  }

  if (!wrong_outputs.empty()) {
    return Outcome(ValidationStatus::kFailed, WrongOutputsSummary(wrong_outputs), details, report);
  }
  if (!mismatches.empty()) {
    return Outcome(ValidationStatus::kFailed, MismatchSummary(mismatches), details, report);
  }
  ScanOutcome outcome =
      Outcome(ValidationStatus::kPassed,
              PassedSummary(format, observed,
                            run_parameters->test_vectors ? &*run_parameters->test_vectors : nullptr,
                            load_notes),
              details, report);
  outcome.io_signature = DumpJson(signature);
  return outcome;
}

}  // namespace mlops::validation
