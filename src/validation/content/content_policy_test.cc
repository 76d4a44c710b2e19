#include "validation/content/content_policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mlops::validation {
namespace {

// A minimal valid policy with `extra` spliced in as further top-level keys.
std::string PolicyWith(const std::string& extra) {
  return R"({"schema_version": 1, "name": "test")" + (extra.empty() ? "" : ", " + extra) + "}";
}

// The error message of parsing `text`, which must fail with INVALID_ARGUMENT.
std::string ErrorOf(const std::string& text) {
  const StatusOr<ContentPolicy> policy = ParseContentPolicy(text, "test.json");
  EXPECT_FALSE(policy.ok()) << text;
  if (policy.ok()) return "";
  EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(policy.status().message().find("content policy test.json: "), std::string::npos)
      << policy.status().message();
  return policy.status().message();
}

TEST(ContentPolicyTest, ParsesEveryKey) {
  const auto policy = ParseContentPolicy(R"({
    "schema_version": 1, "name": "p", "description": "d",
    "required_parameters": ["license", "intended_use"],
    "allowed_licenses": ["MIT"], "allowed_task_types": ["text_to_image"],
    "forbidden_task_types": ["face_swap"],
    "model_card": {"required": false, "min_length": 10, "required_sections": ["Limitations"]},
    "forbidden_phrases": ["uncensored"], "warning_rules": ["model_card.min_length"]})",
                                         "p.json");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->name, "p");
  EXPECT_EQ(policy->description, "d");
  EXPECT_EQ(policy->source, "p.json");
  EXPECT_EQ(policy->sha256.size(), 64u);
  EXPECT_EQ(policy->required_parameters, (std::vector<std::string>{"license", "intended_use"}));
  EXPECT_EQ(policy->allowed_licenses, std::vector<std::string>{"MIT"});
  EXPECT_EQ(policy->allowed_task_types, std::vector<std::string>{"text_to_image"});
  EXPECT_EQ(policy->forbidden_task_types, std::vector<std::string>{"face_swap"});
  ASSERT_TRUE(policy->model_card.has_value());
  EXPECT_FALSE(policy->model_card->required);
  EXPECT_EQ(policy->model_card->min_length, 10u);
  EXPECT_EQ(policy->model_card->required_sections, std::vector<std::string>{"Limitations"});
  EXPECT_EQ(policy->forbidden_phrases, std::vector<std::string>{"uncensored"});
  EXPECT_TRUE(policy->IsWarningRule("model_card.min_length"));
  EXPECT_FALSE(policy->IsWarningRule("license.allowed"));
  EXPECT_EQ(RulesInForce(*policy).size(), AllContentRules().size() - 1);  // card not required
}

TEST(ContentPolicyTest, AMinimalPolicyPutsOnlyTheParametersCheckInForce) {
  const auto policy = ParseContentPolicy(PolicyWith(""), "p.json");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(RulesInForce(*policy), std::vector<std::string_view>{kRuleParametersObject});
}

TEST(ContentPolicyTest, ModelCardIsRequiredUnlessSaidOtherwise) {
  const auto policy = ParseContentPolicy(PolicyWith(R"("model_card": {})"), "p.json");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_TRUE(policy->model_card->required);
}

TEST(ContentPolicyTest, TextThatIsNotJsonIsRejectedWithItsPosition) {
  const std::string error = ErrorOf("{\"schema_version\": 1,\n \"name\": }");
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_NE(ErrorOf("").find("not valid JSON"), std::string::npos);
}

TEST(ContentPolicyTest, TheDocumentMustBeAnObject) {
  EXPECT_NE(ErrorOf("[1, 2]").find("must be a JSON object"), std::string::npos);
}

TEST(ContentPolicyTest, SchemaVersionMustBeOne) {
  EXPECT_NE(ErrorOf(R"({"name": "x"})").find("schema_version: missing"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"schema_version": 2, "name": "x"})").find("unsupported value 2"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"schema_version": "1", "name": "x"})").find("schema_version"),
            std::string::npos);
}

TEST(ContentPolicyTest, NameIsRequired) {
  EXPECT_NE(ErrorOf(R"({"schema_version": 1})").find("name: missing"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"schema_version": 1, "name": ""})").find("name: missing or empty"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"schema_version": 1, "name": 3})").find("name: must be a string"),
            std::string::npos);
}

TEST(ContentPolicyTest, UnknownKeysAreErrorsSoThatATypoCannotTurnARuleOff) {
  const std::string error = ErrorOf(PolicyWith(R"("forbiden_task_types": ["face_swap"])"));
  EXPECT_NE(error.find("forbiden_task_types: unknown key"), std::string::npos) << error;
  EXPECT_NE(ErrorOf(PolicyWith(R"("model_card": {"min_lenght": 3})"))
                .find("model_card.min_lenght: unknown key"),
            std::string::npos);
}

TEST(ContentPolicyTest, ListsHoldNonBlankStrings) {
  EXPECT_NE(ErrorOf(PolicyWith(R"("required_parameters": "license")"))
                .find("required_parameters: must be a list of strings"),
            std::string::npos);
  EXPECT_NE(ErrorOf(PolicyWith(R"("forbidden_phrases": ["a", 3])"))
                .find("forbidden_phrases[1]: must be a string"),
            std::string::npos);
  EXPECT_NE(ErrorOf(PolicyWith(R"("forbidden_task_types": ["--"])"))
                .find("forbidden_task_types[0]: must not be blank"),
            std::string::npos);
}

TEST(ContentPolicyTest, EmptyAllowListsAreErrors) {
  EXPECT_NE(
      ErrorOf(PolicyWith(R"("allowed_licenses": [])")).find("allowed_licenses: must not be empty"),
      std::string::npos);
  EXPECT_NE(ErrorOf(PolicyWith(R"("allowed_task_types": [])"))
                .find("allowed_task_types: must not be empty"),
            std::string::npos);
  EXPECT_TRUE(ParseContentPolicy(PolicyWith(R"("forbidden_task_types": [])"), "p").ok());
}

TEST(ContentPolicyTest, DuplicatesAreFoundInNormalizedForm) {
  EXPECT_NE(ErrorOf(PolicyWith(R"("allowed_licenses": ["MIT", "mit"])"))
                .find("allowed_licenses[1]: \"mit\" is listed twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf(PolicyWith(R"("forbidden_task_types": ["face_swap", "Face-Swap"])"))
                .find("listed twice"),
            std::string::npos);
}

TEST(ContentPolicyTest, ATaskTypeCannotBeBothAllowedAndForbidden) {
  const std::string error = ErrorOf(
      PolicyWith(R"("allowed_task_types": ["Face Swap"], "forbidden_task_types": ["face_swap"])"));
  EXPECT_NE(error.find("allowed_task_types: \"Face Swap\" is also in forbidden_task_types"),
            std::string::npos)
      << error;
}

TEST(ContentPolicyTest, ModelCardValuesAreChecked) {
  EXPECT_NE(ErrorOf(PolicyWith(R"("model_card": true)")).find("model_card: must be an object"),
            std::string::npos);
  EXPECT_NE(ErrorOf(PolicyWith(R"("model_card": {"required": "yes"})"))
                .find("model_card.required: must be true or false"),
            std::string::npos);
  for (const char* bad : {"-1", "2.5", "\"100\"", "1000001"}) {
    EXPECT_NE(ErrorOf(PolicyWith(std::string(R"("model_card": {"min_length": )") + bad + "}"))
                  .find("model_card.min_length: must be an integer from 0 to 1000000"),
              std::string::npos)
        << bad;
  }
  EXPECT_NE(ErrorOf(PolicyWith(R"("model_card": {"required_sections": [""]})"))
                .find("model_card.required_sections[0]: must not be blank"),
            std::string::npos);
}

TEST(ContentPolicyTest, WarningRulesMustNameSoftenableRules) {
  const std::string unknown = ErrorOf(PolicyWith(R"("warning_rules": ["licence.allowed"])"));
  EXPECT_NE(unknown.find("warning_rules: unknown rule \"licence.allowed\" (known: "),
            std::string::npos)
      << unknown;
  EXPECT_NE(ErrorOf(PolicyWith(R"("warning_rules": ["task_type.forbidden"])"))
                .find("rule \"task_type.forbidden\" cannot be made a warning"),
            std::string::npos);
  EXPECT_NE(ErrorOf(PolicyWith(R"("warning_rules": ["parameters.object"])"))
                .find("cannot be made a warning"),
            std::string::npos);
}

TEST(ContentPolicyTest, OversizedPoliciesAreRejected) {
  const std::string huge = PolicyWith(R"("description": ")" + std::string(1 << 20, 'x') + "\"");
  EXPECT_NE(ErrorOf(huge).find("larger than"), std::string::npos);
}

class ContentPolicyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("content_policy_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& text) {
    const std::string path = (dir_ / "policy.json").string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ContentPolicyFileTest, LoadsAFile) {
  const std::string path = Write(PolicyWith(R"("allowed_licenses": ["MIT"])"));
  const auto policy = LoadContentPolicyFile(path);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->source, path);
  EXPECT_EQ(policy->allowed_licenses, std::vector<std::string>{"MIT"});
}

TEST_F(ContentPolicyFileTest, AMissingFileIsNotFoundNamingThePath) {
  const std::string path = (dir_ / "absent.json").string();
  const auto policy = LoadContentPolicyFile(path);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), StatusCode::kNotFound);
  EXPECT_NE(policy.status().message().find(path), std::string::npos);
}

TEST_F(ContentPolicyFileTest, ABrokenFileNamesThePathAndTheKey) {
  const std::string path = Write(PolicyWith(R"("allowed_licenses": "MIT")"));
  const auto policy = LoadContentPolicyFile(path);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(policy.status().message().find("content policy " + path + ": allowed_licenses:"),
            std::string::npos)
      << policy.status().message();
}

}  // namespace
}  // namespace mlops::validation
