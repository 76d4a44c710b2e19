#include "validation/container/security_container_scanner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/http_test_peer.h"

namespace mlops::validation {
namespace {

using nlohmann::json;
using ScannerTestPeer = test::HttpTestPeer;
using test::ClosedPort;

constexpr const char* kImage = "registry.example.com/team/model:1.2.0";

std::string Counts(int critical, int high, int medium, int low) {
  return json({{"vulnerabilities",
                {{"critical", critical}, {"high", high}, {"medium", medium}, {"low", low}}}})
      .dump();
}

class SecurityContainerScannerTest : public ::testing::Test {
 protected:
  SecurityContainerScannerTest() {
    model_.id = "m1";
    version_.id = "v1";
    version_.model_format = ModelFormat::kCustomPythonContainer;
    version_.parameters = json({{"container_image", kImage}}).dump();
  }

  ScanOutcome ScanWith(ContainerScannerSettings settings) {
    auto scanner = SecurityContainerScanner::Create(std::move(settings));
    EXPECT_TRUE(scanner.ok()) << scanner.status().ToString();
    if (!scanner.ok()) return {};
    EXPECT_EQ((*scanner)->type(), ScanType::kSecurityContainer);
    return (*scanner)->Scan({model_, version_, "/nonexistent", "image.tar"});
  }

  ScanOutcome ScanAgainst(const ScannerTestPeer& peer, long timeout_ms = 10'000) {
    return ScanWith({.endpoint = peer.url(), .api_key = "k3y", .timeout_ms = timeout_ms});
  }

  Model model_;
  ModelVersion version_;
};

TEST_F(SecurityContainerScannerTest, AVersionThatIsNotAContainerIsSkipped) {
  ScannerTestPeer peer({.body = Counts(0, 0, 0, 0)});
  version_.model_format = ModelFormat::kOnnx;
  const ScanOutcome outcome = ScanAgainst(peer);
  EXPECT_EQ(outcome.status, ValidationStatus::kSkipped);
  EXPECT_EQ(outcome.summary, "not a container image (model_format ONNX)");
  EXPECT_TRUE(peer.received().empty());
}

TEST_F(SecurityContainerScannerTest, WithoutAnEndpointContainersAreSkippedSayingSo) {
  const ScanOutcome outcome = ScanWith({});
  EXPECT_EQ(outcome.status, ValidationStatus::kSkipped);
  EXPECT_NE(outcome.summary.find("SECURITY_SCANNER_API_ENDPOINT is not set"), std::string::npos);
  EXPECT_EQ(json::parse(outcome.details)["skipped"], outcome.summary);
  EXPECT_EQ(json::parse(outcome.report)["status"], "SKIPPED");
}

TEST_F(SecurityContainerScannerTest, AnUnreachableScannerFails) {
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort());
  const ScanOutcome outcome = ScanWith({.endpoint = url});
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("container scan did not run: container scanner at " + url +
                                 "/v1/scans could not be reached"),
            std::string::npos)
      << outcome.summary;
  EXPECT_EQ(json::parse(outcome.details)["image"], kImage);
}

TEST_F(SecurityContainerScannerTest, SendsTheDocumentedRequest) {
  ScannerTestPeer peer({.body = Counts(0, 0, 0, 3)});
  const ScanOutcome outcome = ScanAgainst(peer);
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  const auto received = peer.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.rfind("POST /v1/scans HTTP/1.1\r\n", 0), 0u) << received[0].head;
  EXPECT_NE(received[0].head.find("\r\nAuthorization: Bearer k3y"), std::string::npos);
  EXPECT_NE(received[0].head.find("\r\nContent-Type: application/json"), std::string::npos);
  EXPECT_EQ(json::parse(received[0].body), json({{"image", kImage}, {"model_version_id", "v1"}}));
}

TEST_F(SecurityContainerScannerTest, NoKeyNoAuthorizationHeader) {
  ScannerTestPeer peer({.body = Counts(0, 0, 0, 0)});
  ScanWith({.endpoint = peer.url() + "/"});  // a trailing slash is not doubled
  const auto received = peer.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.rfind("POST /v1/scans ", 0), 0u) << received[0].head;
  EXPECT_EQ(received[0].head.find("Authorization"), std::string::npos);
}

TEST_F(SecurityContainerScannerTest, ACleanImagePasses) {
  ScannerTestPeer peer({.body = Counts(0, 0, 0, 3)});
  const ScanOutcome outcome = ScanAgainst(peer);
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed);
  EXPECT_EQ(outcome.summary, std::string("image ") + kImage +
                                 " has no critical, high or medium vulnerabilities (3 low)");
  const json details = json::parse(outcome.details);
  EXPECT_EQ(details["low"], 3);
  EXPECT_EQ(details["image"], kImage);
  const json report = json::parse(outcome.report);
  EXPECT_EQ(report["scan_type"], "security_container");
  EXPECT_EQ(report["vulnerabilities"]["low"], 3);
  EXPECT_EQ(report["scanner_url"], peer.url() + "/v1/scans");
  EXPECT_EQ(report.dump().find("k3y"), std::string::npos);  // the key never reaches a report
}

TEST_F(SecurityContainerScannerTest, MediumVulnerabilitiesAreAWarning) {
  ScannerTestPeer peer({.body = Counts(0, 0, 2, 0)});
  const ScanOutcome outcome = ScanAgainst(peer);
  EXPECT_EQ(outcome.status, ValidationStatus::kWarning);
  EXPECT_NE(outcome.summary.find("0 critical, 0 high, 2 medium"), std::string::npos)
      << outcome.summary;
}

TEST_F(SecurityContainerScannerTest, CriticalOrHighOverTheThresholdsFail) {
  for (const auto& [critical, high] : {std::pair{1, 0}, std::pair{0, 1}}) {
    ScannerTestPeer peer({.body = Counts(critical, high, 5, 0)});
    const ScanOutcome outcome = ScanAgainst(peer);
    EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
    EXPECT_NE(outcome.summary.find(" has " + std::to_string(critical) + " critical and " +
                                   std::to_string(high) +
                                   " high vulnerabilities (allowed: 0 critical, 0 high)"),
              std::string::npos)
        << outcome.summary;
  }
}

TEST_F(SecurityContainerScannerTest, VulnerabilitiesWithinRaisedThresholdsAreAWarning) {
  ScannerTestPeer peer({.body = Counts(0, 2, 0, 0)});
  EXPECT_EQ(ScanWith({.endpoint = peer.url(), .max_high = 2}).status, ValidationStatus::kWarning);
  ScannerTestPeer stricter({.body = Counts(0, 3, 0, 0)});
  EXPECT_EQ(ScanWith({.endpoint = stricter.url(), .max_high = 2}).status,
            ValidationStatus::kFailed);
}

TEST_F(SecurityContainerScannerTest, AMalformedAnswerFails) {
  ScannerTestPeer peer({.body = R"({"vulnerabilities": {"critical": "none"}})"});
  const ScanOutcome outcome = ScanAgainst(peer);
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("does not follow the contract: vulnerabilities.critical"),
            std::string::npos)
      << outcome.summary;
}

TEST_F(SecurityContainerScannerTest, AnAnswerThatIsNotJsonFails) {
  ScannerTestPeer peer({.body = "<html>gateway</html>"});
  const ScanOutcome outcome = ScanAgainst(peer);
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("not JSON"), std::string::npos) << outcome.summary;
}

TEST_F(SecurityContainerScannerTest, AnOversizedAnswerFails) {
  ScannerTestPeer peer({.body = std::string(17 << 20, ' ')});
  const ScanOutcome outcome = ScanAgainst(peer);
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("larger than"), std::string::npos) << outcome.summary;
}

TEST_F(SecurityContainerScannerTest, AScannerThatDoesNotAnswerInTimeFails) {
  ScannerTestPeer peer({.hang = true});
  const ScanOutcome outcome = ScanAgainst(peer, 300);
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("did not answer within 300 ms"), std::string::npos)
      << outcome.summary;
  EXPECT_EQ(peer.received().size(), 1u);
}

TEST_F(SecurityContainerScannerTest, ErrorAnswersFailWithTheScannersMessage) {
  const struct {
    int status;
    const char* expected;
  } cases[] = {
      {401, "answered HTTP 401: bad token (the API key was rejected)"},
      {404, "answered HTTP 404: bad token"},
      {503, "answered HTTP 503: bad token"},
  };
  for (const auto& c : cases) {
    ScannerTestPeer peer({.status = c.status, .body = R"({"error": "bad token"})"});
    const ScanOutcome outcome = ScanAgainst(peer);
    EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
    EXPECT_NE(outcome.summary.find(c.expected), std::string::npos) << outcome.summary;
  }
}

TEST_F(SecurityContainerScannerTest, AContainerWithoutAUsableImageReferenceFails) {
  ScannerTestPeer peer({.body = Counts(0, 0, 0, 0)});
  for (const char* params : {R"({})", R"({"container_image": null})", R"({"container_image": 7})",
                             R"({"container_image": ""})", R"({"container_image": "a b"})",
                             R"({"container_image": "--config=/etc/x"})", "not json"}) {
    version_.parameters = params;
    const ScanOutcome outcome = ScanAgainst(peer);
    EXPECT_EQ(outcome.status, ValidationStatus::kFailed) << params;
    EXPECT_EQ(outcome.summary.rfind("container scan did not run: ", 0), 0u) << outcome.summary;
  }
  version_.parameters.reset();
  EXPECT_NE(ScanAgainst(peer).summary.find("set parameters.container_image"), std::string::npos);
  EXPECT_TRUE(peer.received().empty());
}

TEST(ContainerScannerSettingsTest, BadSettingsAreRejected) {
  EXPECT_TRUE(ValidateContainerScannerSettings({}).ok());
  EXPECT_TRUE(ValidateContainerScannerSettings({.endpoint = "https://scanner:8443/api"}).ok());
  const ContainerScannerSettings bad[] = {
      {.endpoint = "scanner:8080"},
      {.endpoint = "ftp://scanner"},
      {.endpoint = "http://"},
      {.endpoint = "http://scan ner"},
      {.endpoint = "http://user:secret@scanner/"},
      {.timeout_ms = 0},
      {.max_critical = -1},
      {.max_high = -1},
  };
  for (const ContainerScannerSettings& s : bad) {
    const Status status = ValidateContainerScannerSettings(s);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << s.endpoint;
  }
  EXPECT_FALSE(SecurityContainerScanner::Create({.endpoint = "scanner"}).ok());
}

}  // namespace
}  // namespace mlops::validation
