#include "validation/content/content_safety_scanner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mlops::validation {
namespace {

using nlohmann::json;

constexpr const char* kPolicy = R"({
  "schema_version": 1,
  "name": "test-policy",
  "required_parameters": ["license", "intended_use"],
  "allowed_licenses": ["Apache-2.0", "MIT"],
  "allowed_task_types": ["text_to_image", "image_captioning"],
  "forbidden_task_types": ["deepfake_face_swap", "nsfw_generation"],
  "model_card": {"min_length": 120, "required_sections": ["Intended Use", "Limitations"]},
  "forbidden_phrases": ["safety checker disabled"],
  "warning_rules": ["model_card.min_length"]
})";

constexpr const char* kGoodCard =
    "# Watercolor LoRA\n"
    "## Intended Use\nDraft illustrations in a watercolor style for marketing mock-ups.\n"
    "## Limitations\nHands and lettering come out poorly; not for photorealistic people.\n";

class ContentSafetyScannerTest : public ::testing::Test {
 protected:
  ContentSafetyScannerTest() : scanner_(Policy(kPolicy)) {
    model_.id = "m1";
    model_.name = "watercolor";
    model_.task_type = "text_to_image";
    version_.id = "v1";
    version_.version_string = "1.0.0";
    params_ = {
        {"license", "Apache-2.0"}, {"intended_use", "marketing drafts"}, {"model_card", kGoodCard}};
  }

  static ContentPolicy Policy(const std::string& text) {
    auto policy = ParseContentPolicy(text, "test");
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    return policy.ok() ? *policy : ContentPolicy{};
  }

  ScanOutcome Scan() {
    version_.parameters = params_.dump();
    const ScanSubject subject{model_, version_, "/nonexistent", "model.onnx"};
    return scanner_.Scan(subject);
  }

  // The rules named by the report's violations, in order.
  static std::vector<std::string> ReportedRules(const ScanOutcome& outcome) {
    const json report = json::parse(outcome.report);
    std::vector<std::string> rules;
    for (const json& v : report.at("violations")) rules.push_back(v["rule"]);
    return rules;
  }

  ContentSafetyScanner scanner_;
  Model model_;
  ModelVersion version_;
  json params_;
};

TEST_F(ContentSafetyScannerTest, ACompliantVersionPasses) {
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.summary;
  EXPECT_EQ(scanner_.type(), ScanType::kContentSafety);
  EXPECT_NE(outcome.summary.find("all 9 rules in force hold"), std::string::npos)
      << outcome.summary;
  const json details = json::parse(outcome.details);
  EXPECT_EQ(details["policy"], "test-policy");
  EXPECT_EQ(details["violations"], 0);
  const json report = json::parse(outcome.report);
  EXPECT_EQ(report["status"], "PASSED");
  EXPECT_EQ(report["policy"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(report["subject"]["version_id"], "v1");
  EXPECT_EQ(report["rules_in_force"].size(), 9u);
  EXPECT_FALSE(outcome.io_signature.has_value());
}

TEST_F(ContentSafetyScannerTest, MissingRequiredMetadataFails) {
  params_.erase("intended_use");
  params_["license"] = "  ";
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("violated rule parameters.required: required metadata "
                                 "parameters.license is missing or empty"),
            std::string::npos)
      << outcome.summary;
  // The blank license is reported once, as missing, not again as not allowed.
  EXPECT_EQ(ReportedRules(outcome),
            (std::vector<std::string>{"parameters.required", "parameters.required"}));
  EXPECT_EQ(json::parse(outcome.details)["failed_rules"], json::array({"parameters.required"}));
}

TEST_F(ContentSafetyScannerTest, ALicenseOffTheListFails) {
  params_["license"] = "proprietary";
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("license.allowed: license \"proprietary\" is not allowed"),
            std::string::npos)
      << outcome.summary;
}

TEST_F(ContentSafetyScannerTest, LicensesCompareWithoutCase) {
  params_["license"] = "apache-2.0";
  EXPECT_EQ(Scan().status, ValidationStatus::kPassed);
}

TEST_F(ContentSafetyScannerTest, ALicenseThatIsNotTextFails) {
  params_["license"] = json::array({"MIT"});
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_EQ(ReportedRules(outcome), std::vector<std::string>{"license.allowed"});
}

TEST_F(ContentSafetyScannerTest, AnUnrequiredButRestrictedLicenseMustStillBeDeclared) {
  ContentSafetyScanner scanner(Policy(R"({"schema_version": 1, "name": "p",
                                           "allowed_licenses": ["MIT"]})"));
  version_.parameters = "{}";
  const ScanOutcome outcome = scanner.Scan({model_, version_, "", ""});
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("license.allowed: no license declared"), std::string::npos)
      << outcome.summary;
}

TEST_F(ContentSafetyScannerTest, AForbiddenTaskTypeFailsWhateverItsSpelling) {
  for (const char* task_type : {"deepfake_face_swap", "Deepfake Face-Swap", "nsfw_generation_v2",
                                "video_nsfw_generation"}) {
    model_.task_type = task_type;
    const ScanOutcome outcome = Scan();
    EXPECT_EQ(outcome.status, ValidationStatus::kFailed) << task_type;
    EXPECT_NE(outcome.summary.find("violated rule task_type.forbidden"), std::string::npos)
        << outcome.summary;
    // Forbidden decides alone; it is not also reported as "not allowed".
    EXPECT_EQ(ReportedRules(outcome), std::vector<std::string>{"task_type.forbidden"});
  }
}

TEST_F(ContentSafetyScannerTest, ForbiddenWordsMustBeWholeWords) {
  model_.task_type = "image_captioning";
  EXPECT_EQ(Scan().status, ValidationStatus::kPassed);
  model_.task_type = "nsfw_generationx";  // not nsfw_generation: only "not allowed"
  EXPECT_EQ(ReportedRules(Scan()), std::vector<std::string>{"task_type.allowed"});
}

TEST_F(ContentSafetyScannerTest, ATaskTypeOffTheAllowedListFails) {
  for (const char* task_type : {"voice_cloning", ""}) {
    model_.task_type = task_type;
    const ScanOutcome outcome = Scan();
    EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
    EXPECT_NE(outcome.summary.find("task_type.allowed: task type \"" + std::string(task_type) +
                                   "\" is not on the allowed list"),
              std::string::npos)
        << outcome.summary;
  }
  model_.task_type = "Text To Image";
  EXPECT_EQ(Scan().status, ValidationStatus::kPassed);
}

TEST_F(ContentSafetyScannerTest, NoModelCardFails) {
  params_.erase("model_card");
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("violated rule model_card.present: no model card"),
            std::string::npos)
      << outcome.summary;
  // The card's other rules are not reported on top of its absence.
  EXPECT_EQ(ReportedRules(outcome), std::vector<std::string>{"model_card.present"});
}

TEST_F(ContentSafetyScannerTest, TheVersionDescriptionServesAsModelCard) {
  params_.erase("model_card");
  version_.description = kGoodCard;
  EXPECT_EQ(Scan().status, ValidationStatus::kPassed);
}

TEST_F(ContentSafetyScannerTest, AModelCardThatIsNotTextFails) {
  params_["model_card"] = {{"limitations", "none"}};
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("parameters.model_card must be text"), std::string::npos)
      << outcome.summary;
}

TEST_F(ContentSafetyScannerTest, AShortModelCardIsAWarningUnderThisPolicy) {
  params_["model_card"] = "## Intended Use\nDrafts.\n## Limitations\nMany.";
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kWarning) << outcome.summary;
  EXPECT_NE(outcome.summary.find("warning rule model_card.min_length: model card has"),
            std::string::npos)
      << outcome.summary;
  const json details = json::parse(outcome.details);
  EXPECT_EQ(details["warning_rules"], json::array({"model_card.min_length"}));
  EXPECT_EQ(details["failed_rules"], json::array());
  EXPECT_EQ(json::parse(outcome.report)["violations"][0]["severity"], "warning");
}

TEST_F(ContentSafetyScannerTest, AShortModelCardFailsWhenTheRuleIsHard) {
  ContentSafetyScanner scanner(Policy(R"({"schema_version": 1, "name": "p",
                                           "model_card": {"min_length": 50}})"));
  version_.parameters = R"({"model_card": "too short"})";
  const ScanOutcome outcome = scanner.Scan({model_, version_, "", ""});
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("model_card.min_length: model card has 9 characters, fewer "
                                 "than 50"),
            std::string::npos)
      << outcome.summary;
}

TEST_F(ContentSafetyScannerTest, AMissingSectionFails) {
  params_["model_card"] = "## Intended Use\n" + std::string(200, 'x') + "\n";
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find(
                "violated rule model_card.required_section: model card has no \"Limitations\""),
            std::string::npos)
      << outcome.summary;
}

TEST_F(ContentSafetyScannerTest, AForbiddenPhraseAnywhereInTheDescriptionsFails) {
  params_["intended_use"] = "Art, with the Safety  Checker DISABLED for speed";
  model_.description = "safety checker disabled";
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("forbidden_phrase: forbidden phrase \"safety checker "
                                 "disabled\" in parameters.intended_use"),
            std::string::npos)
      << outcome.summary;
  const json report = json::parse(outcome.report);
  ASSERT_EQ(report["violations"].size(), 2u);
  EXPECT_EQ(report["violations"][1]["field"], "model.description");
}

TEST_F(ContentSafetyScannerTest, EveryViolationIsReportedAndTheFirstHardOneSummarized) {
  params_ = {{"license", "GPL-3.0"}, {"model_card", "tiny"}};
  model_.task_type = "voice_cloning";
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_EQ(ReportedRules(outcome),
            (std::vector<std::string>{"parameters.required", "license.allowed", "task_type.allowed",
                                      "model_card.min_length", "model_card.required_section",
                                      "model_card.required_section"}));
  EXPECT_NE(outcome.summary.find("violated rule parameters.required"), std::string::npos);
  EXPECT_NE(outcome.summary.find("(5 more in the report)"), std::string::npos) << outcome.summary;
  EXPECT_EQ(json::parse(outcome.details)["failed_rules"],
            json::array({"parameters.required", "license.allowed", "task_type.allowed",
                         "model_card.required_section"}));
  EXPECT_EQ(json::parse(outcome.details)["warning_rules"], json::array({"model_card.min_length"}));
}

TEST_F(ContentSafetyScannerTest, ParametersThatAreNotAnObjectFail) {
  for (const char* text : {"[1, 2]", "{not json", "\"text\""}) {
    version_.parameters = text;
    const ScanOutcome outcome = scanner_.Scan({model_, version_, "", ""});
    EXPECT_EQ(outcome.status, ValidationStatus::kFailed) << text;
    EXPECT_EQ(ReportedRules(outcome), std::vector<std::string>{"parameters.object"});
  }
}

TEST_F(ContentSafetyScannerTest, NoParametersAtAllIsMissingMetadata) {
  version_.parameters.reset();
  const ScanOutcome outcome = scanner_.Scan({model_, version_, "", ""});
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_NE(outcome.summary.find("parameters.required"), std::string::npos);
}

TEST_F(ContentSafetyScannerTest, InvalidUtf8InUserTextStillGivesJson) {
  model_.task_type = "bad\xFF\xFE";
  model_.description = "\xC3";
  const ScanOutcome outcome = Scan();
  EXPECT_EQ(outcome.status, ValidationStatus::kFailed);
  EXPECT_FALSE(json::parse(outcome.report, nullptr, false).is_discarded());
  EXPECT_FALSE(json::parse(outcome.details, nullptr, false).is_discarded());
}

TEST(ContentSafetyScannerCreateTest, TheShippedPolicyIsBuiltIn) {
  const auto scanner = ContentSafetyScanner::Create({});
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  const ContentPolicy& policy = (*scanner)->policy();
  EXPECT_EQ(policy.name, "creativeflow-default");
  EXPECT_EQ(policy.source, "built-in config/content_policy.json");
  EXPECT_EQ(RulesInForce(policy).size(), AllContentRules().size());
  EXPECT_TRUE(policy.IsWarningRule(kRuleModelCardMinLength));
}

TEST(ContentSafetyScannerCreateTest, TheShippedPolicyPassesAWellDescribedVersion) {
  auto scanner = ContentSafetyScanner::Create({});
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  Model model;
  model.task_type = "text_to_image";
  ModelVersion version;
  version.parameters = json({{"license", "Apache-2.0"},
                             {"intended_use", "Watercolor drafts for marketing mock-ups"},
                             {"model_card",
                              "# Watercolor LoRA\n"
                              "## Intended Use\nDraft illustrations for marketing mock-ups.\n"
                              "## Limitations\nHands and lettering come out poorly.\n"
                              "## Training Data\n12,000 licensed watercolor scans from the "
                              "CreativeFlow archive, curated by hand.\n"}})
                           .dump();
  const ScanOutcome outcome = (*scanner)->Scan({model, version, "", ""});
  EXPECT_EQ(outcome.status, ValidationStatus::kPassed) << outcome.report;
}

TEST(ContentSafetyScannerCreateTest, ABrokenPolicyPathIsAnError) {
  const auto scanner = ContentSafetyScanner::Create({.policy_path = "/nonexistent/policy.json"});
  ASSERT_FALSE(scanner.ok());
  EXPECT_EQ(scanner.status().code(), StatusCode::kNotFound);
  EXPECT_NE(scanner.status().message().find("/nonexistent/policy.json"), std::string::npos);
}

}  // namespace
}  // namespace mlops::validation
