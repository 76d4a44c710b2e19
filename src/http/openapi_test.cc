#include "http/openapi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlops::http {
namespace {

constexpr const char* kMethods[] = {"get",     "put",  "post",  "delete",
                                    "options", "head", "patch", "trace"};

nlohmann::json Document() { return nlohmann::json::parse(OpenApiDocument()); }

// Every "$ref" value anywhere under `node`.
void CollectRefs(const nlohmann::json& node, std::vector<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        refs.push_back(value.get<std::string>());
      } else {
        CollectRefs(value, refs);
      }
    }
  } else if (node.is_array()) {
    for (const auto& value : node) CollectRefs(value, refs);
  }
}

TEST(OpenApiTest, IsOpenApi30Document) {
  const nlohmann::json doc = Document();
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("openapi"));
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.0.", 0), 0u) << doc["openapi"];
  EXPECT_TRUE(doc["info"]["title"].is_string());
  EXPECT_TRUE(doc["info"]["version"].is_string());
  ASSERT_TRUE(doc["paths"].is_object());
  EXPECT_FALSE(doc["paths"].empty());
}

TEST(OpenApiTest, EveryRefResolvesInsideTheDocument) {
  const nlohmann::json doc = Document();
  std::vector<std::string> refs;
  CollectRefs(doc, refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    ASSERT_EQ(ref.rfind("#/", 0), 0u) << "not a local reference: " << ref;
    const nlohmann::json::json_pointer pointer(ref.substr(1));
    EXPECT_TRUE(doc.contains(pointer)) << "dangling reference: " << ref;
  }
}

TEST(OpenApiTest, EveryOperationHasIdSummaryAndResponses) {
  const nlohmann::json doc = Document();
  std::vector<std::string> ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const char* method : kMethods) {
      if (!item.contains(method)) continue;
      const nlohmann::json& op = item[method];
      const std::string where = std::string(method) + " " + path;
      ASSERT_TRUE(op.contains("operationId")) << where;
      EXPECT_FALSE(op["operationId"].get<std::string>().empty()) << where;
      ids.push_back(op["operationId"]);
      ASSERT_TRUE(op.contains("summary")) << where;
      EXPECT_FALSE(op["summary"].get<std::string>().empty()) << where;
      ASSERT_TRUE(op.contains("responses")) << where;
      EXPECT_TRUE(op["responses"].is_object() && !op["responses"].empty()) << where;
    }
  }
  EXPECT_FALSE(ids.empty());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "duplicate operationId";
}

TEST(OpenApiTest, DocsPageIsSelfContainedHtml) {
  const std::string page(DocsPage());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("openapi.json"), std::string::npos);
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
}

}  // namespace
}  // namespace mlops::http
