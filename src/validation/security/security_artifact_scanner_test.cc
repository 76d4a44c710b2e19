#include "validation/security/security_artifact_scanner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace mlops::validation {
namespace {

const std::string kCorpus = std::string(MLOPS_SOURCE_DIR) + "/tests/corpus/security/";

class SecurityArtifactScannerTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = SecurityArtifactScanner::Create({});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    scanner_ = std::move(*created).release();
  }
  static void TearDownTestSuite() {
    delete scanner_;
    scanner_ = nullptr;
  }

  static ScanOutcome ScanCorpusFile(const std::string& relative,
                                    ModelFormat format = ModelFormat::kOther) {
    Model model;
    ModelVersion version;
    version.model_format = format;
    const std::string file_name = relative.substr(relative.rfind('/') + 1);
    return scanner_->Scan({model, version, kCorpus + relative, file_name});
  }

  static SecurityArtifactScanner* scanner_;
};

SecurityArtifactScanner* SecurityArtifactScannerTest::scanner_ = nullptr;

TEST_F(SecurityArtifactScannerTest, BenignCorpusPasses) {
  for (const std::string file : {"state_dict.pt", "torchscript.pt", "dict_of_lists.pkl",
                                 "dict_of_lists_protocol0.pkl", "float_array.npy", "arrays.npz",
                                 "numpy_in_pickle.pkl", "add.onnx", "external_inside.onnx"}) {
    const ScanOutcome outcome = ScanCorpusFile("benign/" + file);
    EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << file << ": " << outcome.summary;
    const auto report = nlohmann::json::parse(outcome.report);
    EXPECT_EQ(report["finding_count"], 0) << file;
    EXPECT_TRUE(report["findings"].empty()) << file;
    EXPECT_GT(report["yara_rules"].get<int>(), 0);
  }
}

TEST_F(SecurityArtifactScannerTest, BenignFormatsAreRecognised) {
  EXPECT_EQ(nlohmann::json::parse(ScanCorpusFile("benign/state_dict.pt").details)["format"], "zip");
  const auto details = nlohmann::json::parse(ScanCorpusFile("benign/state_dict.pt").details);
  EXPECT_EQ(details["pickles"], 1);
  EXPECT_EQ(details["imports"], 3);  // OrderedDict, _rebuild_tensor_v2, FloatStorage (then memo)
  EXPECT_EQ(
      nlohmann::json::parse(ScanCorpusFile("benign/dict_of_lists_protocol0.pkl").details)["format"],
      "pickle");
  EXPECT_EQ(nlohmann::json::parse(ScanCorpusFile("benign/float_array.npy").details)["format"],
            "npy");
  EXPECT_EQ(nlohmann::json::parse(ScanCorpusFile("benign/add.onnx").details)["format"], "onnx");
}

struct MaliciousCase {
  std::string file;
  std::string kind;      // the finding kind that must be present
  std::string subject;   // its subject
  std::string location;  // its location (zip entry), "" for the artifact itself
};

TEST_F(SecurityArtifactScannerTest, MaliciousCorpusFailsNamingTheCause) {
  const MaliciousCase cases[] = {
      {"os_system.pkl", "disallowed_global", "os.system", ""},
      {"stack_global_memo.pkl", "disallowed_global", "os.system", ""},
      {"torch_posix_system.pt", "disallowed_global", "posix.system", "torch_posix_system/data.pkl"},
      {"torch_posix_system.pt", "disallowed_global", "builtins.eval",
       "torch_posix_system/data.pkl"},
      {"torch_posix_system.pt", "yara_match", "pickle_global_command_execution",
       "torch_posix_system/data.pkl"},
      {"object_array.npy", "disallowed_global", "posix.system", ""},
      {"reverse_shell_string.pkl", "yara_match", "reverse_shell_command", ""},
      {"zip_slip.zip", "unsafe_zip_path", "../evil", "../evil"},
      {"zip_symlink.zip", "zip_symlink", "model/weights.bin", "model/weights.bin"},
      {"zip_bomb.zip", "zip_bomb", "zeros.bin", "zeros.bin"},
      {"escaping_external_data.onnx", "escaping_external_data", "../../etc/passwd", ""},
  };
  for (const MaliciousCase& c : cases) {
    const ScanOutcome outcome = ScanCorpusFile("malicious/" + c.file);
    EXPECT_EQ(outcome.status, ValidationStatus::kFailed) << c.file;
    const auto report = nlohmann::json::parse(outcome.report);
    bool found = false;
    for (const auto& finding : report["findings"]) {
      found = found || (finding["kind"] == c.kind && finding["subject"] == c.subject &&
                        finding["location"] == c.location);
    }
    EXPECT_TRUE(found) << c.file << " lacks " << c.kind << " " << c.subject << ": "
                       << outcome.report;
    const auto details = nlohmann::json::parse(outcome.details);
    EXPECT_GE(details["finding_count"].get<int>(), 1) << c.file;
    EXPECT_FALSE(details["first_findings"].empty()) << c.file;
  }
}

// tests/corpus/security/manifest.json: every adversarial file (each payload proven to run under
// its real loader) must fail, every benign one (made by the real libraries) must pass.
TEST_F(SecurityArtifactScannerTest, ManifestFilesGetTheirExpectedVerdict) {
  std::ifstream in(kCorpus + "manifest.json");
  ASSERT_TRUE(in.good());
  const auto manifest = nlohmann::json::parse(in);
  ASSERT_GE(manifest["files"].size(), 50u);
  int failed = 0, passed = 0;
  for (const auto& file : manifest["files"]) {
    const std::string path = file["path"];  // "security/..."
    const ModelFormat format =
        file.value("declared_format", "") == "onnx" ? ModelFormat::kOnnx : ModelFormat::kOther;
    const ScanOutcome outcome =
        ScanCorpusFile(path.substr(std::string("security/").size()), format);
    const bool expect_failed = file["expect"] == "FAILED";
    EXPECT_EQ(outcome.status, expect_failed ? ValidationStatus::kFailed : ValidationStatus::kPassed)
        << path << " (" << file.value("class", "") << "): " << outcome.summary
        << "\n  why: " << file.value("why", "");
    (expect_failed ? failed : passed)++;
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(passed, 0);
}

TEST_F(SecurityArtifactScannerTest, SummaryNamesTheDecisiveFinding) {
  const ScanOutcome outcome = ScanCorpusFile("malicious/stack_global_memo.pkl");
  EXPECT_NE(outcome.summary.find("os.system"), std::string::npos) << outcome.summary;
  EXPECT_NE(outcome.summary.find("byte 53"), std::string::npos) << outcome.summary;

  const ScanOutcome torch = ScanCorpusFile("malicious/torch_posix_system.pt");
  EXPECT_NE(torch.summary.find("torch_posix_system/data.pkl"), std::string::npos) << torch.summary;
}

TEST_F(SecurityArtifactScannerTest, HiddenImportIsCaughtByTheAllowListNotByYara) {
  const auto report =
      nlohmann::json::parse(ScanCorpusFile("malicious/stack_global_memo.pkl").report);
  EXPECT_EQ(report["counts"].value("yara_match", 0), 0);
  EXPECT_EQ(report["counts"]["disallowed_global"], 1);
}

TEST_F(SecurityArtifactScannerTest, DeclaredOnnxFormatOverridesTheExtension) {
  Model model;
  ModelVersion version;
  version.model_format = ModelFormat::kOnnx;
  const ScanOutcome outcome =
      scanner_->Scan({model, version, kCorpus + "malicious/escaping_external_data.onnx", "model"});
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
}

TEST_F(SecurityArtifactScannerTest, UnreadableFileFails) {
  const ScanOutcome outcome = ScanCorpusFile("does/not/exist.pt");
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("could not be scanned"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(outcome.details).contains("error"));
}

TEST_F(SecurityArtifactScannerTest, ConcurrentScansShareOneScanner) {
  const std::string files[] = {"benign/torchscript.pt", "malicious/torch_posix_system.pt",
                               "malicious/reverse_shell_string.pkl", "benign/arrays.npz"};
  std::string expected[std::size(files)];
  for (std::size_t i = 0; i < std::size(files); ++i) expected[i] = ScanCorpusFile(files[i]).report;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        const std::size_t i = (t + round) % std::size(files);
        if (ScanCorpusFile(files[i]).report != expected[i]) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(SecurityArtifactScannerCreateTest, ExtraAllowedGlobalsMustBeDotted) {
  security::SecurityScanSettings settings;
  settings.extra_allowed_globals = {"nodot"};
  EXPECT_EQ(SecurityArtifactScanner::Create(settings).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SecurityArtifactScannerCreateTest, MissingRulesDirectoryIsAnError) {
  security::SecurityScanSettings settings;
  settings.extra_yara_rules_dir = "/nonexistent/yara";
  EXPECT_EQ(SecurityArtifactScanner::Create(settings).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace mlops::validation
