#include "artifacts/s3/s3_xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mlops::s3 {
namespace {

using ::testing::ElementsAre;

TEST(S3XmlTest, ReadsAnErrorDocument) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
      "<Message>The key &quot;a&amp;b&quot; does not exist</Message></Error>";
  EXPECT_EQ(XmlText(xml, "Code"), "NoSuchKey");
  EXPECT_EQ(XmlText(xml, "Message"), "The key \"a&b\" does not exist");
  EXPECT_EQ(XmlText(xml, "Resource"), std::nullopt);
}

TEST(S3XmlTest, ListsRepeatedElements) {
  const std::string xml =
      "<ListMultipartUploadsResult><Upload><Key>a</Key><UploadId>1</UploadId></Upload>"
      "<Upload><Key>b</Key><UploadId>2</UploadId></Upload></ListMultipartUploadsResult>";
  const auto uploads = XmlElements(xml, "Upload");
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(XmlText(uploads[1], "UploadId"), "2");
  EXPECT_THAT(XmlElements(xml, "Key"), ElementsAre("a", "b"));
  EXPECT_TRUE(XmlElements("<Upload>unterminated", "Upload").empty());
}

TEST(S3XmlTest, EscapesWhatWeSend) {
  EXPECT_EQ(XmlEscape("\"etag\"<&>'"), "&quot;etag&quot;&lt;&amp;&gt;&apos;");
}

}  // namespace
}  // namespace mlops::s3
