// The security corpus through the service: every file of tests/corpus/security/manifest.json is
// uploaded over HTTP under its own base name (misleading names are part of the attacks), only the
// security_artifact scan is triggered on it, and the result must be the manifest's verdict.
// The same check as the scanner's unit test (ManifestFilesGetTheirExpectedVerdict), but on what
// the service makes of an upload: the stored artifact, copied out to a scratch file, with the
// declared model_format.
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

// The model_format to declare for a manifest entry: its declared_format where the attack lies
// about the format (the service's only match for "onnx" is ONNX; "numpy", "safetensors" and
// "unknown" are OTHER to it), else what an honest uploader would pick from the file's name.
std::string ModelFormatFor(const json& entry) {
  if (entry.contains("declared_format")) {
    return entry["declared_format"] == "onnx" ? "ONNX" : "OTHER";
  }
  const std::string path = entry["path"];
  if (path.ends_with(".onnx")) return "ONNX";
  if (path.ends_with(".pt")) return "PYTORCH_TORCHSCRIPT";
  if (path.ends_with(".tar.gz")) return "TENSORFLOW_SAVEDMODEL";
  return "OTHER";
}

class SecurityCorpusTest : public ModelServerTest {
 protected:
  void SetUp() override {
    // Versions stay in PENDING_VALIDATION until the test triggers the one scan it checks.
    options_.env["ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER"] = "false";
    ModelServerTest::SetUp();
  }
};

TEST_F(SecurityCorpusTest, EveryManifestFileGetsItsVerdictThroughTheService) {
  const json manifest = json::parse(CorpusFile("security/manifest.json"), nullptr, false);
  ASSERT_TRUE(manifest.contains("files")) << "tests/corpus/security/manifest.json unreadable";
  const json& files = manifest["files"];
  ASSERT_GE(files.size(), 100u);

  struct Scan {
    const json* entry;
    std::string model_format;
    std::string result_id;
  };
  std::vector<Scan> scans;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const json& entry = files[i];
    const std::string path = entry["path"];
    const std::string bytes = CorpusFile(path);
    if (bytes.empty()) {
      ADD_FAILURE() << path << ": missing or empty";
      continue;
    }
    json details = VersionDetails(std::to_string(i + 1));
    details["model_format"] = ModelFormatFor(entry);
    const std::string file_name = path.substr(path.rfind('/') + 1);
    HttpResult uploaded = admin_->UploadVersion(model_id_, details, file_name, bytes);
    if (uploaded.status != 201) {
      ADD_FAILURE() << path << ": upload answered " << uploaded.status << " " << uploaded.body;
      continue;
    }
    const json version = uploaded.json();
    // The scan sees the name the attacker chose.
    EXPECT_TRUE(version["artifact_path"].get<std::string>().ends_with("/" + file_name))
        << path << ": " << version.dump();
    HttpResult triggered = admin_->PostJson(
        Api("/validation/versions/" + version["id"].get<std::string>() + "/trigger"),
        {{"scan_types", {"security_artifact"}}});
    if (triggered.status != 202 || triggered.json().size() != 1) {
      ADD_FAILURE() << path << ": trigger answered " << triggered.status << " " << triggered.body;
      continue;
    }
    EXPECT_EQ(triggered.json()[0]["scan_type"], "security_artifact") << triggered.body;
    scans.push_back({&entry, details["model_format"].get<std::string>(),
                     triggered.json()[0]["id"].get<std::string>()});
  }

  // Polls every result until it is final (PENDING and RUNNING are not).
  std::vector<json> results(scans.size());
  std::set<std::size_t> running;
  for (std::size_t i = 0; i < scans.size(); ++i) running.insert(i);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!running.empty() && std::chrono::steady_clock::now() < deadline) {
    for (auto it = running.begin(); it != running.end();) {
      HttpResult r = admin_->Get(Api("/validation/results/" + scans[*it].result_id));
      const std::string status = r.status == 200 ? r.json().value("status", "") : "";
      if (status.empty() || status == "PENDING" || status == "RUNNING") {
        ++it;
        continue;
      }
      results[*it] = r.json();
      it = running.erase(it);
    }
    if (!running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  int passed = 0, failed = 0;
  for (std::size_t i = 0; i < scans.size(); ++i) {
    const json& entry = *scans[i].entry;
    const std::string path = entry["path"];
    if (running.count(i) > 0) {
      ADD_FAILURE() << path << ": no final security_artifact result in time";
      continue;
    }
    const json& result = results[i];
    const std::string expect = entry["expect"];
    EXPECT_EQ(result["status"], expect)
        << path << " (" << entry.value("class", "") << ", model_format " << scans[i].model_format
        << "): " << result.value("summary", "") << "\n  why: " << entry.value("why", "");
    if (expect == "FAILED") {
      EXPECT_FALSE(result.value("summary", "").empty()) << path << ": " << result.dump();
    }
    (expect == "FAILED" ? failed : passed)++;
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(passed, 0);
}

}  // namespace
}  // namespace mlops::e2e
