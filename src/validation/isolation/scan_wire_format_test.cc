#include "validation/isolation/scan_wire_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mlops::validation::isolation {
namespace {

using ::testing::HasSubstr;

// Every field set, none to its default, so that a field the codec drops shows.
Model FullModel() {
  return {.id = "m-1",
          .name = "ner \"tagger\" \xC3\xA9",
          .description = "a model",
          .task_type = "ner",
          .owner_id = "owner-7",
          .created_at = 1'700'000'000'001,
          .updated_at = 1'700'000'000'002};
}

ModelVersion FullVersion() {
  return {.id = "v-1",
          .model_id = "m-1",
          .version_string = "1.2.3",
          .description = "first",
          .artifact_path = "mlops-models/m-1/v-1/model.onnx",
          .model_format = ModelFormat::kPytorchTorchscript,
          .interface_type = ServingInterface::kTorchserve,
          .parameters = R"({"benchmark_iterations": 7})",
          .metrics = R"({"f1": 0.9})",
          .status = ModelVersionStatus::kValidated,
          .created_at = 1'700'000'000'003,
          .updated_at = 1'700'000'000'004,
          .created_by_user_id = "user-9",
          .artifact_size_bytes = 5'000'000'000,
          .artifact_sha256 = std::string(64, 'a'),
          .io_signature = R"({"inputs": []})",
          .validation_decision = R"({"result_ids": ["r"]})"};
}

TEST(ScanWireFormatTest, SubjectRoundTripsEveryField) {
  const Model model = FullModel();
  const ModelVersion version = FullVersion();
  const ScanSubject subject{model, version, "/tmp/scratch dir/model.pt", "model.pt"};
  const StatusOr<OwnedScanSubject> decoded = DecodeScanSubject(EncodeScanSubject(subject));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();

  const Model& m = decoded->model;
  EXPECT_EQ(m.id, model.id);
  EXPECT_EQ(m.name, model.name);
  EXPECT_EQ(m.description, model.description);
  EXPECT_EQ(m.task_type, model.task_type);
  EXPECT_EQ(m.owner_id, model.owner_id);
  EXPECT_EQ(m.created_at, model.created_at);
  EXPECT_EQ(m.updated_at, model.updated_at);

  const ModelVersion& v = decoded->version;
  EXPECT_EQ(v.id, version.id);
  EXPECT_EQ(v.model_id, version.model_id);
  EXPECT_EQ(v.version_string, version.version_string);
  EXPECT_EQ(v.description, version.description);
  EXPECT_EQ(v.artifact_path, version.artifact_path);
  EXPECT_EQ(v.model_format, version.model_format);
  EXPECT_EQ(v.interface_type, version.interface_type);
  EXPECT_EQ(v.parameters, version.parameters);
  EXPECT_EQ(v.metrics, version.metrics);
  EXPECT_EQ(v.status, version.status);
  EXPECT_EQ(v.created_at, version.created_at);
  EXPECT_EQ(v.updated_at, version.updated_at);
  EXPECT_EQ(v.created_by_user_id, version.created_by_user_id);
  EXPECT_EQ(v.artifact_size_bytes, version.artifact_size_bytes);
  EXPECT_EQ(v.artifact_sha256, version.artifact_sha256);
  EXPECT_EQ(v.io_signature, version.io_signature);
  EXPECT_EQ(v.validation_decision, version.validation_decision);

  EXPECT_EQ(decoded->artifact_file, subject.artifact_file);
  EXPECT_EQ(decoded->file_name, subject.file_name);
  const ScanSubject view = decoded->view();
  EXPECT_EQ(&view.model, &decoded->model);
  EXPECT_EQ(&view.version, &decoded->version);
}

TEST(ScanWireFormatTest, UnsetOptionalsStayUnset) {
  const Model model;
  const ModelVersion version;
  const StatusOr<OwnedScanSubject> decoded =
      DecodeScanSubject(EncodeScanSubject({model, version, "/f", "f"}));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->model.description.has_value());
  EXPECT_FALSE(decoded->model.owner_id.has_value());
  EXPECT_FALSE(decoded->version.description.has_value());
  EXPECT_FALSE(decoded->version.parameters.has_value());
  EXPECT_FALSE(decoded->version.metrics.has_value());
  EXPECT_FALSE(decoded->version.created_by_user_id.has_value());
  EXPECT_FALSE(decoded->version.io_signature.has_value());
  EXPECT_FALSE(decoded->version.validation_decision.has_value());
}

TEST(ScanWireFormatTest, OutcomeRoundTripsEveryField) {
  const ScanOutcome outcome{.status = ValidationStatus::kWarning,
                            .summary = "structure only",
                            .details = R"({"a": 1})",
                            .report = R"({"a": 1, "b": [2]})",
                            .io_signature = R"({"outputs": []})"};
  const StatusOr<ScanOutcome> decoded = DecodeScanOutcome(EncodeScanOutcome(outcome));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->status, outcome.status);
  EXPECT_EQ(decoded->summary, outcome.summary);
  EXPECT_EQ(decoded->details, outcome.details);
  EXPECT_EQ(decoded->report, outcome.report);
  EXPECT_EQ(decoded->io_signature, outcome.io_signature);

  const StatusOr<ScanOutcome> without = DecodeScanOutcome(EncodeScanOutcome({}));
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_FALSE(without->io_signature.has_value());
}

TEST(ScanWireFormatTest, TextThatIsNotJsonIsAnError) {
  EXPECT_EQ(DecodeScanOutcome("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeScanOutcome("{\"status\":").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeScanSubject("Segmentation fault").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeScanOutcome("[]").status().code(), StatusCode::kInvalidArgument);
}

TEST(ScanWireFormatTest, AMissingOrMistypedFieldIsNamed) {
  nlohmann::json outcome = nlohmann::json::parse(EncodeScanOutcome({}));
  outcome.erase("io_signature");
  EXPECT_THAT(DecodeScanOutcome(outcome.dump()).status().message(), HasSubstr("io_signature"));
  outcome = nlohmann::json::parse(EncodeScanOutcome({}));
  outcome["status"] = "DONE";
  EXPECT_THAT(DecodeScanOutcome(outcome.dump()).status().message(), HasSubstr("status"));

  const Model model = FullModel();
  const ModelVersion version = FullVersion();
  nlohmann::json subject = nlohmann::json::parse(EncodeScanSubject({model, version, "/f", "f"}));
  subject["version"]["artifact_size_bytes"] = "5";
  EXPECT_THAT(DecodeScanSubject(subject.dump()).status().message(),
              HasSubstr("version.artifact_size_bytes"));
  subject.erase("model");
  EXPECT_THAT(DecodeScanSubject(subject.dump()).status().message(), HasSubstr("model"));
}

}  // namespace
}  // namespace mlops::validation::isolation
