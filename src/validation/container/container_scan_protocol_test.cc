#include "validation/container/container_scan_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mlops::validation {
namespace {

using nlohmann::json;

constexpr std::string_view kImage = "registry.example.com/team/model:1.2.0";

std::string ErrorOf(std::string_view body) {
  const auto answer = ParseScanAnswer(body, kImage);
  EXPECT_FALSE(answer.ok()) << body;
  if (answer.ok()) return "";
  EXPECT_EQ(answer.status().code(), StatusCode::kInternal);
  return answer.status().message();
}

TEST(ContainerScanProtocolTest, RequestNamesTheImageAndTheVersion) {
  const json body = json::parse(ScanRequestBody(kImage, "v-1"));
  EXPECT_EQ(body, json({{"image", kImage}, {"model_version_id", "v-1"}}));
}

TEST(ContainerScanProtocolTest, ReadsAFullAnswer) {
  const auto answer = ParseScanAnswer(R"({
    "image": "registry.example.com/team/model:1.2.0", "digest": "sha256:abc",
    "scanner": {"name": "trivy", "version": "0.50.1"},
    "vulnerabilities": {"critical": 1, "high": 2, "medium": 3, "low": 4, "unknown": 5},
    "findings": [{"id": "CVE-2024-0001", "severity": "CRITICAL"}]})",
                                      kImage);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->counts.critical, 1);
  EXPECT_EQ(answer->counts.high, 2);
  EXPECT_EQ(answer->counts.medium, 3);
  EXPECT_EQ(answer->counts.low, 4);
  EXPECT_EQ(answer->counts.unknown, 5);
  EXPECT_EQ(answer->digest, "sha256:abc");
  EXPECT_EQ(json::parse(answer->scanner)["name"], "trivy");
  EXPECT_EQ(json::parse(answer->findings)[0]["id"], "CVE-2024-0001");
  EXPECT_FALSE(answer->findings_truncated);
}

TEST(ContainerScanProtocolTest, OnlyTheFourCountsAreRequired) {
  const auto answer = ParseScanAnswer(
      R"({"vulnerabilities": {"critical": 0, "high": 0, "medium": 0, "low": 0}})", kImage);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->counts.unknown, 0);
  EXPECT_EQ(answer->scanner, "{}");
  EXPECT_EQ(answer->findings, "[]");
}

TEST(ContainerScanProtocolTest, AnswersOutsideTheContractAreErrors) {
  EXPECT_NE(ErrorOf("<html>oops</html>").find("not JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("not JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(ErrorOf("{}").find("no \"vulnerabilities\" object"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"vulnerabilities": [0, 0]})").find("no \"vulnerabilities\" object"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"vulnerabilities": {"critical": 0, "medium": 0, "low": 0}})")
                .find("vulnerabilities.high is missing"),
            std::string::npos);
  for (const char* bad : {"-1", "1.5", "\"3\"", "null", "true"}) {
    const std::string body = std::string(R"({"vulnerabilities": {"critical": )") + bad +
                             R"(, "high": 0, "medium": 0, "low": 0}})";
    EXPECT_NE(ErrorOf(body).find("vulnerabilities.critical must be a non-negative integer"),
              std::string::npos)
        << bad;
  }
  EXPECT_NE(ErrorOf(R"({"vulnerabilities": {"critical": 0, "high": 0, "medium": 0, "low": 0,
                        "unknown": -2}})")
                .find("vulnerabilities.unknown"),
            std::string::npos);
}

TEST(ContainerScanProtocolTest, AnAnswerAboutAnotherImageIsAnError) {
  const std::string error = ErrorOf(
      R"({"image": "other:latest", "vulnerabilities": {"critical": 0, "high": 0, "medium": 0,
          "low": 0}})");
  EXPECT_NE(error.find("\"other:latest\", not the one asked for"), std::string::npos) << error;
}

TEST(ContainerScanProtocolTest, OptionalFieldsMustHaveTheirTypes) {
  const std::string counts =
      R"("vulnerabilities": {"critical": 0, "high": 0, "medium": 0, "low": 0})";
  EXPECT_NE(ErrorOf("{" + counts + R"(, "digest": 5})").find("digest"), std::string::npos);
  EXPECT_NE(ErrorOf("{" + counts + R"(, "scanner": "trivy"})").find("scanner"), std::string::npos);
  EXPECT_NE(ErrorOf("{" + counts + R"(, "findings": {}})").find("findings"), std::string::npos);
}

TEST(ContainerScanProtocolTest, FindingsAreCapped) {
  json findings = json::array();
  for (std::size_t i = 0; i < kMaxReportedFindings + 7; ++i) findings.push_back({{"id", i}});
  const json body = {{"vulnerabilities", {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}}},
                     {"findings", findings}};
  const auto answer = ParseScanAnswer(body.dump(), kImage);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_TRUE(answer->findings_truncated);
  EXPECT_EQ(json::parse(answer->findings).size(), kMaxReportedFindings);
}

TEST(ContainerScanProtocolTest, ErrorMessagesComeFromTheErrorFieldOrTheBody) {
  EXPECT_EQ(ErrorMessageOf(R"({"error": "image not found"})"), "image not found");
  EXPECT_EQ(ErrorMessageOf("Bad Gateway\n"), "Bad Gateway?");
  EXPECT_EQ(ErrorMessageOf(std::string(500, 'x')).size(), 203u);  // 200 and "..."
}

}  // namespace
}  // namespace mlops::validation
