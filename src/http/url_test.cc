#include "http/url.h"

#include <gtest/gtest.h>

namespace mlops::http {
namespace {

TEST(UrlTest, SplitsAndDecodesTargets) {
  auto t = ParseTarget("/api/v1/mlops/models?name_prefix=sd%20x&limit=5&task_type=a+b&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/mlops/models");
  EXPECT_EQ(t->query.find("name_prefix")->second, "sd x");
  EXPECT_EQ(t->query.find("limit")->second, "5");
  EXPECT_EQ(t->query.find("task_type")->second, "a b");
  EXPECT_EQ(t->query.find("flag")->second, "");
}

TEST(UrlTest, RejectsBadTargets) {
  EXPECT_FALSE(ParseTarget(""));
  EXPECT_FALSE(ParseTarget("http://host/abs"));
  EXPECT_FALSE(ParseTarget("/a%2"));
  EXPECT_FALSE(ParseTarget("/a%zz"));
  EXPECT_FALSE(ParseTarget("/a%00b"));
  EXPECT_FALSE(ParseTarget("/a?x=%"));
}

TEST(UrlTest, PercentDecodeKeepsPlusInPaths) {
  EXPECT_EQ(PercentDecode("a+b%2Fc", false), "a+b/c");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
}

}  // namespace
}  // namespace mlops::http
