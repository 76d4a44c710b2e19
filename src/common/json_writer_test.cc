#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mlops {
namespace {

TEST(JsonWriterTest, WritesNestedValuesInOrder) {
  JsonWriter w;
  w.BeginObject()
      .Key("b")
      .String("x\"y\\z\n\x01")
      .Key("a")
      .Int(-5)
      .Key("n")
      .Null()
      .Key("o")
      .StringOrNull(std::nullopt)
      .Key("r")
      .Raw(R"({"k":[1,2]})")
      .Key("l")
      .BeginArray()
      .Int(1)
      .Double(0.5)
      .BeginObject()
      .EndObject()
      .EndArray()
      .Key("d")
      .Double(2.0)
      .EndObject();
  EXPECT_EQ(
      w.text(),
      R"({"b":"x\"y\\z\n\u0001","a":-5,"n":null,"o":null,"r":{"k":[1,2]},"l":[1,0.5,{}],"d":2})");
  EXPECT_TRUE(nlohmann::json::accept(w.text()));
}

TEST(JsonWriterTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  std::string out;
  AppendJsonString(out, "h\xc3\xa9llo \xe6\xa8\xa1 \xf0\x9f\x98\x80");
  EXPECT_EQ(out, "\"h\xc3\xa9llo \xe6\xa8\xa1 \xf0\x9f\x98\x80\"");
  out.clear();
  AppendJsonString(out, "bad \xff \xc3 \xed\xa0\x80 end");
  EXPECT_TRUE(nlohmann::json::accept(out)) << out;
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(),
            "bad \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd end");
}

TEST(JsonWriterTest, NonFiniteDoublesBecomeNull) {
  JsonWriter w;
  w.BeginArray().Double(1.0 / 0.0).EndArray();
  EXPECT_EQ(w.text(), "[null]");
}

}  // namespace
}  // namespace mlops
