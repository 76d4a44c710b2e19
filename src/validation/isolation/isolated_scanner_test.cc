#include "validation/isolation/isolated_scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "testing/temp_dir.h"
#include "validation/isolation/scan_wire_format.h"

namespace mlops::validation {
namespace {

using ::testing::HasSubstr;

// Stands in for `mlops scan-child`: each test writes the shell script the scanner runs.
class IsolatedScannerTest : public ::testing::Test {
 protected:
  ScanOutcome ScanWith(const std::string& script, std::chrono::seconds timeout = {}) {
    const std::filesystem::path child = dir_ / "child.sh";
    std::ofstream(child) << "#!/bin/sh\n" << script << "\n";
    std::filesystem::permissions(child, std::filesystem::perms::owner_all);
    IsolationSettings settings{.executable = child.string()};
    if (timeout.count() > 0) settings.timeout = timeout;
    IsolatedScanner scanner(ScanType::kFunctionalIo, settings);
    return scanner.Scan({model_, version_, dir_ / "model.onnx", "model.onnx"});
  }

  const test::TempDir temp_{"isolated"};
  const std::filesystem::path& dir_ = temp_.path();
  const Model model_;
  const ModelVersion version_ = [] {
    ModelVersion version;
    version.id = "v-1";
    return version;
  }();
};

nlohmann::json Details(const ScanOutcome& outcome) {
  return nlohmann::json::parse(outcome.details);
}

TEST_F(IsolatedScannerTest, ReturnsTheChildsOutcomeForTheSubjectItWasSent) {
  const ScanOutcome outcome = ScanWith(
      "cat > \"$(dirname \"$0\")/subject.json\"\n"
      "printf '{\"status\":\"WARNING\",\"summary\":\"%s %s\",\"details\":\"{}\",\"report\":"
      "\"{}\",\"io_signature\":\"{}\"}' \"$1\" \"$2\"");
  EXPECT_EQ(outcome.status, ValidationStatus::kWarning);
  EXPECT_EQ(outcome.summary, "scan-child functional_io");
  EXPECT_EQ(outcome.io_signature, "{}");
  std::stringstream sent;
  sent << std::ifstream(dir_ / "subject.json").rdbuf();
  const StatusOr<isolation::OwnedScanSubject> subject = isolation::DecodeScanSubject(sent.str());
  ASSERT_TRUE(subject.ok()) << subject.status().ToString();
  EXPECT_EQ(subject->version.id, "v-1");
  EXPECT_EQ(subject->artifact_file, dir_ / "model.onnx");
}

TEST_F(IsolatedScannerTest, AChildKilledByASignalFailsNamingIt) {
  const ScanOutcome outcome = ScanWith("echo 'Segmentation fault ahead' >&2; kill -SEGV $$");
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_EQ(outcome.summary, "the model crashed the runtime: signal 11 (SIGSEGV)");
  EXPECT_EQ(Details(outcome)["signal"], 11);
  EXPECT_EQ(Details(outcome)["stderr_tail"], "Segmentation fault ahead\n");
  EXPECT_EQ(nlohmann::json::parse(outcome.report), Details(outcome));
}

TEST_F(IsolatedScannerTest, AChildExitingNonZeroFailsWithItsStatus) {
  const ScanOutcome outcome = ScanWith("echo 'bad config' >&2; exit 4");
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_EQ(outcome.summary, "the scan's process exited with status 4");
  EXPECT_EQ(Details(outcome)["exit_code"], 4);
  EXPECT_EQ(Details(outcome)["stderr_tail"], "bad config\n");
}

TEST_F(IsolatedScannerTest, UnreadableOutputFails) {
  const ScanOutcome outcome = ScanWith("echo PASSED");
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("wrote no readable outcome"));
}

TEST_F(IsolatedScannerTest, AChildPastTheTimeoutIsKilledAndFails) {
  const auto start = std::chrono::steady_clock::now();
  const ScanOutcome outcome = ScanWith("sleep 60", std::chrono::seconds(1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_EQ(outcome.summary, "the scan did not finish within 1 s");
}

TEST_F(IsolatedScannerTest, AChildThatCannotStartFails) {
  IsolatedScanner scanner(ScanType::kPerformanceBenchmark,
                          {.executable = (dir_ / "missing").string()});
  EXPECT_EQ(scanner.type(), ScanType::kPerformanceBenchmark);
  const ScanOutcome outcome = scanner.Scan({model_, version_, dir_ / "m", "m"});
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_THAT(outcome.summary, HasSubstr("could not start"));
}

}  // namespace
}  // namespace mlops::validation
