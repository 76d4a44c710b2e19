// The validation pipeline end to end on the committed corpus (tests/corpus/): every model is
// uploaded, validated by the default pipeline the upload queues, and polled to its decision.
// Malicious models end VALIDATION_FAILED with a security_artifact finding naming the cause;
// benign ones end VALIDATED, ONNX and TorchScript ones after a real load and inference, in a
// child process per scan (the default) or in the server's own.
#include "corpus_util.h"
#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

struct CorpusCase {
  std::string name;  // test name
  std::string file;  // under tests/corpus/
  std::string model_format;
  json parameters;
  std::string expected_status;  // of the version
  // For VALIDATION_FAILED: the security_artifact finding that must name the cause.
  std::string finding_kind = "";
  std::string finding_subject = "";
  // Scans this server requires for VALIDATED (MLOPS_VALIDATION_REQUIRED_SCANS); "" for the default.
  std::string required_scans = "";
  // false: the model-running scans in the server's own process (MLOPS_VALIDATION_ISOLATE_MODELS).
  bool isolate_models = true;
};

// Names the case in gtest's messages instead of dumping its bytes.
void PrintTo(const CorpusCase& c, std::ostream* out) { *out << c.name << " (" << c.file << ")"; }

class ValidationCorpusTest : public ModelServerTest,
                             public ::testing::WithParamInterface<CorpusCase> {
 protected:
  void SetUp() override {
    if (!GetParam().required_scans.empty()) {
      options_.env["MLOPS_VALIDATION_REQUIRED_SCANS"] = GetParam().required_scans;
    }
    if (!GetParam().isolate_models) options_.env["MLOPS_VALIDATION_ISOLATE_MODELS"] = "false";
    ModelServerTest::SetUp();
  }

  json WaitForDecision(const std::string& version_id) const {
    return WaitForValidationDecision(*admin_, version_id);
  }
};

TEST_P(ValidationCorpusTest, UploadIsValidatedToItsDecision) {
  const CorpusCase& c = GetParam();
  const std::string bytes = CorpusFile(c.file);
  ASSERT_FALSE(bytes.empty()) << c.file;
  json details = VersionDetails("1");
  details["model_format"] = c.model_format;
  details["parameters"] = c.parameters;
  const std::string file_name = c.file.substr(c.file.rfind('/') + 1);
  HttpResult uploaded = admin_->UploadVersion(model_id_, details, file_name, bytes);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const std::string version_id = uploaded.json()["id"];

  const json version = WaitForDecision(version_id);
  const json results = admin_->Get(Api("/validation/versions/" + version_id + "/results")).json();
  EXPECT_EQ(version["status"], c.expected_status) << version.dump() << "\n" << results.dump(1);
  EXPECT_EQ(results.size(), 5u) << results.dump(1);

  const json artifact = ResultOf(results, "security_artifact");
  if (c.expected_status == "VALIDATED") {
    EXPECT_EQ(artifact["status"], "PASSED") << artifact.dump();
    for (const json& result : results) {
      EXPECT_NE(result["status"], "FAILED") << result.dump();
    }
    return;
  }
  EXPECT_EQ(artifact["status"], "FAILED") << artifact.dump();
  EXPECT_NE(artifact["summary"].get<std::string>().find(c.finding_subject), std::string::npos)
      << artifact.dump();
  const json decision = version["validation_decision"];
  EXPECT_NE(decision.dump().find(artifact["id"].get<std::string>()), std::string::npos)
      << "the decision does not name the failing result: " << decision.dump();
  // The full report, downloaded through the API, names the finding and where it is.
  HttpResult report =
      admin_->Get(Api("/validation/results/" + artifact["id"].get<std::string>() + "/report"));
  ASSERT_EQ(report.status, 200) << report.body;
  const json full_report = report.json();
  bool found = false;
  for (const json& finding : full_report["report"]["findings"]) {
    found = found || (finding["kind"] == c.finding_kind && finding["subject"] == c.finding_subject);
  }
  EXPECT_TRUE(found) << c.finding_kind << " " << c.finding_subject << " not in " << report.body;
}

const json kTorchSignature = {
    {"io_signature",
     {{"inputs", json::array({{{"name", "x"}, {"dtype", "float32"}, {"shape", {1, 4}}}})}}}};

INSTANTIATE_TEST_SUITE_P(
    Corpus, ValidationCorpusTest,
    ::testing::Values(
        CorpusCase{"OnnxModel", "functional/tiny_gemm_relu.onnx", "ONNX", WellDescribed(),
                   "VALIDATED"},
        CorpusCase{"TorchScriptModel", "functional/tiny_linear.torchscript.pt",
                   "PYTORCH_TORCHSCRIPT", WellDescribed(kTorchSignature), "VALIDATED"},
        CorpusCase{"OnnxModelInProcess", "functional/tiny_gemm_relu.onnx", "ONNX", WellDescribed(),
                   "VALIDATED", "", "", "", false},
        CorpusCase{"TorchScriptModelInProcess", "functional/tiny_linear.torchscript.pt",
                   "PYTORCH_TORCHSCRIPT", WellDescribed(kTorchSignature), "VALIDATED", "", "", "",
                   false},
        // Weights alone cannot run: valid where the policy does not require functional_io.
        CorpusCase{"CleanStateDict", "security/benign/state_dict.pt", "OTHER", WellDescribed(),
                   "VALIDATED", "", "", "security_artifact"},
        CorpusCase{"PickleCallingOsSystem", "security/malicious/os_system.pkl", "OTHER",
                   WellDescribed(), "VALIDATION_FAILED", "disallowed_global", "os.system"},
        CorpusCase{"ImportHiddenBehindStackGlobalAndMemo",
                   "security/malicious/stack_global_memo.pkl", "OTHER", WellDescribed(),
                   "VALIDATION_FAILED", "disallowed_global", "os.system"},
        CorpusCase{"TorchZipCallingPosixSystem", "security/malicious/torch_posix_system.pt",
                   "PYTORCH_TORCHSCRIPT", WellDescribed(kTorchSignature), "VALIDATION_FAILED",
                   "disallowed_global", "posix.system"},
        CorpusCase{"NpyObjectArray", "security/malicious/object_array.npy", "OTHER",
                   WellDescribed(), "VALIDATION_FAILED", "disallowed_global", "posix.system"},
        CorpusCase{"ZipWithDotDotEntry", "security/malicious/zip_slip.zip", "OTHER",
                   WellDescribed(), "VALIDATION_FAILED", "unsafe_zip_path", "../evil"},
        CorpusCase{"ZipWithSymlink", "security/malicious/zip_symlink.zip", "OTHER", WellDescribed(),
                   "VALIDATION_FAILED", "zip_symlink", "model/weights.bin"},
        CorpusCase{"ZipBomb", "security/malicious/zip_bomb.zip", "OTHER", WellDescribed(),
                   "VALIDATION_FAILED", "zip_bomb", "zeros.bin"},
        CorpusCase{"OnnxEscapingExternalData", "security/malicious/escaping_external_data.onnx",
                   "ONNX", WellDescribed(), "VALIDATION_FAILED", "escaping_external_data",
                   "../../etc/passwd"}),
    [](const ::testing::TestParamInfo<CorpusCase>& info) { return info.param.name; });

}  // namespace
}  // namespace mlops::e2e
