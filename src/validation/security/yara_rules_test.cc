#include "validation/security/yara_rules.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "testing/temp_dir.h"
#include "validation/security/embedded_rules.h"

namespace mlops::validation::security {
namespace {

// A directory of rule files.
class RulesDir : public test::TempDir {
 public:
  RulesDir() : TempDir("mlops-yara") {}
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path() / name) << text;
  }
};

std::vector<Finding> Match(const YaraRules& rules, const std::string& data, std::size_t chunk) {
  FindingSink sink;
  YaraStreamScanner scanner(rules, "entry", sink);
  for (std::size_t at = 0; at < data.size(); at += chunk) {
    EXPECT_TRUE(scanner.Feed(std::string_view(data).substr(at, chunk)).ok());
  }
  EXPECT_TRUE(scanner.Finish().ok());
  return sink.kept();
}

TEST(YaraRulesTest, ShippedRulesCompile) {
  const auto rules = YaraRules::Compile(embedded::BuiltinYaraRules(), {});
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_GE((*rules)->rule_count(), 4);
}

TEST(YaraRulesTest, ExtraRulesDirectoryIsCompiledIn) {
  RulesDir dir;
  dir.Write("custom.yar", "rule custom_marker { strings: $a = \"MLOPS-MARKER\" condition: $a }");
  dir.Write("ignored.txt", "not a rule at all {");
  const auto rules = YaraRules::Compile(embedded::BuiltinYaraRules(), dir.path());
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  const auto findings = Match(**rules, "xx MLOPS-MARKER yy", 1 << 20);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].subject, "custom_marker");
  EXPECT_EQ(findings[0].offset, 3u);
  EXPECT_EQ(findings[0].location, "entry");
}

TEST(YaraRulesTest, BrokenExtraRuleNamesFileAndLine) {
  RulesDir dir;
  dir.Write("broken.yar", "rule ok { condition: true }\nrule broken { condition: $missing }\n");
  const auto rules = YaraRules::Compile(embedded::BuiltinYaraRules(), dir.path());
  ASSERT_EQ(rules.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rules.status().message().find("broken.yar:2"), std::string::npos)
      << rules.status().message();
}

TEST(YaraRulesTest, MatchAcrossAWindowBoundaryIsFoundAtItsStreamOffset) {
  const auto rules = YaraRules::Compile(embedded::BuiltinYaraRules(), {});
  ASSERT_TRUE(rules.ok());
  const std::size_t window = 4 << 20;
  for (const std::size_t at : {window - 5, window * 2 - 4096 - 3, window * 3 + 17}) {
    std::string data(window * 3 + 100, '\0');
    data.replace(at, 10, "os.system(");
    const auto findings = Match(**rules, data, 65536);
    ASSERT_EQ(findings.size(), 1u) << at;
    EXPECT_EQ(findings[0].subject, "python_command_execution_source");
    EXPECT_EQ(findings[0].offset, at);
  }
}

TEST(YaraRulesTest, EachRuleIsReportedOncePerStream) {
  const auto rules = YaraRules::Compile(embedded::BuiltinYaraRules(), {});
  ASSERT_TRUE(rules.ok());
  const auto findings = Match(**rules, "os.system( and again os.system( and os.popen(", 7);
  EXPECT_EQ(findings.size(), 1u);
}

TEST(YaraRulesTest, BenignTextDoesNotMatch) {
  const auto rules = YaraRules::Compile(embedded::BuiltinYaraRules(), {});
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(
      Match(**rules, "the system uses a subprocess-free design; bash is a shell", 64).empty());
}

}  // namespace
}  // namespace mlops::validation::security
