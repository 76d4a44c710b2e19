// The ONNX coverage corpus (tests/corpus/onnx_models/) through the validation pipeline over HTTP:
// each model, uploaded with its recorded PyTorch outputs as parameters.test_vectors, is VALIDATED
// after functional_io ran it in ONNX Runtime in a child process (`mlops scan-child`) and matched
// them; wrong expectations fail the version naming the output; without the ONNX Runtime library
// functional_io is SKIPPED saying so, and the version fails for the required scan.
#include <map>

#include "corpus_util.h"
#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

json Manifest() { return json::parse(CorpusFile("onnx_models/manifest.json")); }

class OnnxModelCorpusTest : public ModelServerTest {
 protected:
  void SetUp() override {
    options_.env["MLOPS_BENCHMARK_ITERATIONS"] = "5";
    options_.env["MLOPS_BENCHMARK_WARMUP"] = "1";
    ModelServerTest::SetUp();
  }

  // Uploads corpus model `name` as version `version` with `parameters` (its vectors file when
  // null); returns the version's id.
  std::string Upload(const std::string& name, const std::string& version,
                     json parameters = nullptr) {
    if (parameters.is_null()) {
      parameters = json::parse(CorpusFile("onnx_models/" + name + ".vectors.json"));
    }
    json details = VersionDetails(version);
    details["model_format"] = "ONNX";
    details["parameters"] = WellDescribed(std::move(parameters));
    HttpResult uploaded = admin_->UploadVersion(model_id_, details, name + ".onnx",
                                                CorpusFile("onnx_models/" + name + ".onnx"));
    EXPECT_EQ(uploaded.status, 201) << name << ": " << uploaded.body.substr(0, 500);
    return uploaded.status == 201 ? uploaded.json()["id"].get<std::string>() : "";
  }

  json FunctionalIoResult(const std::string& version_id) const {
    const json results = admin_->Get(Api("/validation/versions/" + version_id + "/results")).json();
    return ResultOf(results, "functional_io");
  }
};

TEST_F(OnnxModelCorpusTest, EveryModelIsValidatedAgainstItsRecordedOutputs) {
  std::map<std::string, std::string> versions;  // name -> version id
  int number = 0;
  const json manifest = Manifest();
  for (const json& model : manifest["models"]) {
    const std::string name = model["name"];
    versions[name] = Upload(name, std::to_string(++number));
  }
  ASSERT_GE(versions.size(), 29u);
  for (const auto& [name, version_id] : versions) {
    if (version_id.empty()) continue;
    const json version = WaitForValidationDecision(*admin_, version_id, std::chrono::seconds(300));
    const json functional = FunctionalIoResult(version_id);
    EXPECT_EQ(version["status"], "VALIDATED") << name << ": " << functional.dump();
    EXPECT_EQ(functional["status"], "PASSED") << name << ": " << functional.dump();
    EXPECT_NE(functional["summary"].get<std::string>().find("matched the expected outputs"),
              std::string::npos)
        << name << ": " << functional.dump();
  }
}

TEST_F(OnnxModelCorpusTest, AVersionWhoseDeclaredOutputsAreWrongFailsNamingTheOutput) {
  json parameters = json::parse(CorpusFile("onnx_models/clip_text_encoder.vectors.json"));
  // The pooled output of the second vector is declared as the first vector's.
  parameters["test_vectors"][1]["outputs"][1] = parameters["test_vectors"][0]["outputs"][1];
  const std::string version_id = Upload("clip_text_encoder", "1", parameters);
  ASSERT_FALSE(version_id.empty());
  const json version = WaitForValidationDecision(*admin_, version_id);
  const json functional = FunctionalIoResult(version_id);
  EXPECT_EQ(version["status"], "VALIDATION_FAILED") << functional.dump();
  EXPECT_EQ(functional["status"], "FAILED") << functional.dump();
  EXPECT_NE(functional["summary"].get<std::string>().find(
                "wrong numbers: test vector 1: output 'pooled': expected shape [1, 32], got "
                "[2, 32]"),
            std::string::npos)
      << functional.dump();
}

class OnnxRuntimeMissingTest : public ModelServerTest {
 protected:
  void SetUp() override {
    options_.env["MLOPS_ONNXRUNTIME_LIBRARY"] = "/nonexistent/libonnxruntime.so.1";
    ModelServerTest::SetUp();
  }
};

TEST_F(OnnxRuntimeMissingTest, OnnxScansAreSkippedSayingWhyAndTheVersionIsNotValidated) {
  json details = VersionDetails("1");
  details["model_format"] = "ONNX";
  details["parameters"] = WellDescribed();
  HttpResult uploaded = admin_->UploadVersion(model_id_, details, "tiny_gemm_relu.onnx",
                                              CorpusFile("functional/tiny_gemm_relu.onnx"));
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const std::string version_id = uploaded.json()["id"];
  const json version = WaitForValidationDecision(*admin_, version_id);
  const json results = admin_->Get(Api("/validation/versions/" + version_id + "/results")).json();
  // functional_io is required: a run where it could not run does not validate the version.
  EXPECT_EQ(version["status"], "VALIDATION_FAILED") << results.dump(1);
  for (const char* scan : {"functional_io", "performance_benchmark"}) {
    const json result = ResultOf(results, scan);
    EXPECT_EQ(result["status"], "SKIPPED") << result.dump();
    EXPECT_NE(result["summary"].get<std::string>().find(
                  "ONNX Runtime did not load: /nonexistent/libonnxruntime.so.1"),
              std::string::npos)
        << result.dump();
  }
}

}  // namespace
}  // namespace mlops::e2e
