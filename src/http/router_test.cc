#include "http/router.h"

#include <gtest/gtest.h>

namespace mlops::http {
namespace {

Route R(std::string method, std::string pattern) {
  return {std::move(method), std::move(pattern), std::nullopt, [](Request&) { return Response{}; },
          nullptr};
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(R("GET", "/models/{model_id}"));
    router_.Add(R("PATCH", "/models/{model_id}"));
    router_.Add(R("GET", "/models/{model_id}/versions"));
    router_.Add(R("GET", "/models/versions/{version_id}"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesPlaceholders) {
  RouteMatch m = router_.Match("GET", "/models/abc");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/models/{model_id}");
  EXPECT_EQ(m.params["model_id"], "abc");
}

TEST_F(RouterTest, LiteralSegmentsWinOverPlaceholders) {
  RouteMatch m = router_.Match("GET", "/models/versions/v1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/models/versions/{version_id}");
  EXPECT_EQ(m.params["version_id"], "v1");
  m = router_.Match("GET", "/models/m1/versions");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/models/{model_id}/versions");
}

TEST_F(RouterTest, ReportsAllowedMethodsForAKnownPath) {
  RouteMatch m = router_.Match("DELETE", "/models/abc");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST_F(RouterTest, UnknownPathsMatchNothing) {
  RouteMatch m = router_.Match("GET", "/models/a/b/c");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed_methods.empty());
  EXPECT_EQ(router_.Match("GET", "/").route, nullptr);
}

}  // namespace
}  // namespace mlops::http
