#include "validation/content/policy_text.h"

#include <gtest/gtest.h>

namespace mlops::validation {
namespace {

TEST(PolicyTextTest, TaskTypesNormalizeCasePunctuationAndSpacing) {
  EXPECT_EQ(NormalizeTaskType("deepfake_face_swap"), "deepfake_face_swap");
  EXPECT_EQ(NormalizeTaskType("  Deepfake-Face  Swap! "), "deepfake_face_swap");
  EXPECT_EQ(NormalizeTaskType("__text__to__image__"), "text_to_image");
  EXPECT_EQ(NormalizeTaskType("-- !"), "");
  EXPECT_EQ(NormalizeTaskType(""), "");
}

TEST(PolicyTextTest, LicensesCompareWithoutCaseOrSurroundingSpace) {
  EXPECT_EQ(NormalizeLicense("  Apache-2.0\n"), "apache-2.0");
  EXPECT_NE(NormalizeLicense("Apache 2.0"), NormalizeLicense("Apache-2.0"));
}

TEST(PolicyTextTest, ProseCollapsesWhitespace) {
  EXPECT_EQ(NormalizeProse("  Bypass\tthe \n\n Safety   FILTER "), "bypass the safety filter");
}

TEST(PolicyTextTest, CharacterCountIsInCodePointsAfterTrimming) {
  EXPECT_EQ(TrimmedCharacterCount("  abc \n"), 3u);
  EXPECT_EQ(TrimmedCharacterCount("h\xC3\xA9llo"), 5u);              // é is two bytes
  EXPECT_EQ(TrimmedCharacterCount("\xE6\xB0\xB4\xE5\xBD\xA9"), 2u);  // two CJK characters
  EXPECT_EQ(TrimmedCharacterCount(" \t\n"), 0u);
}

TEST(PolicyTextTest, MarkdownHeadingsAreSections) {
  const std::string card = "# Card\n\n## Limitations\nSome.\n### Training data\nScans.\n";
  EXPECT_TRUE(HasSection(card, "Limitations"));
  EXPECT_TRUE(HasSection(card, "limitations"));
  EXPECT_TRUE(HasSection(card, "Training Data"));
  EXPECT_FALSE(HasSection(card, "Intended Use"));
}

TEST(PolicyTextTest, HeadingsMayNameSeveralSectionsOrAPluralForm) {
  EXPECT_TRUE(HasSection("## Bias, Risks, and Limitations\n", "Limitations"));
  EXPECT_TRUE(HasSection("## Intended uses & limitations\n", "Intended Use"));
  EXPECT_TRUE(HasSection("## **Limitations**\n", "Limitations"));
}

TEST(PolicyTextTest, LabelledLinesAreSections) {
  EXPECT_TRUE(HasSection("Limitations: none known\n", "Limitations"));
  EXPECT_TRUE(HasSection("**Intended Use**: drafts\r\n", "Intended Use"));
}

TEST(PolicyTextTest, MentionsInBodyTextAreNotSections) {
  EXPECT_FALSE(HasSection("The limitations of this model are many.\n", "Limitations"));
  EXPECT_FALSE(HasSection("## Delimitations\n", "Limitations"));  // not at a word start
  EXPECT_FALSE(HasSection("", "Limitations"));
  EXPECT_FALSE(HasSection("## Limitations\n", "  "));
}

TEST(PolicyTextTest, PhrasesMatchAcrossCaseAndSpacing) {
  EXPECT_TRUE(
      ContainsPhrase("Ships with the Safety\n  Checker disabled.", "safety checker disabled"));
  EXPECT_FALSE(ContainsPhrase("safety checker enabled", "safety checker disabled"));
  EXPECT_FALSE(ContainsPhrase("anything", ""));
}

}  // namespace
}  // namespace mlops::validation
