// JsonPath: the JSONPath subset SageMaker's DataProcessing filters use, on JSON records and as
// column selections on CSV records.
#include "transform/json_path.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kiln {
namespace {

using json = nlohmann::ordered_json;

json Apply(const std::string& path, const std::string& record) {
  auto p = JsonPath::Parse("InputFilter", path);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  auto out = p->Apply(json::parse(record));
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : json();
}

std::vector<std::size_t> Columns(const std::string& path, std::size_t n) {
  auto p = JsonPath::Parse("InputFilter", path);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->SelectsColumns());
  auto out = p->SelectColumns(n);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::vector<std::size_t>{};
}

TEST(JsonPathTest, RootSelectsTheWholeRecord) {
  EXPECT_TRUE(JsonPath::Parse("f", "$")->IsRoot());
  EXPECT_TRUE(JsonPath::Parse("f", "")->IsRoot());
  EXPECT_EQ(Apply("$", R"({"a":1})"), json::parse(R"({"a":1})"));
}

TEST(JsonPathTest, MembersIndicesAndSlicesSelectFromJson) {
  EXPECT_EQ(Apply("$.features", R"({"id":7,"features":[1,2,3]})"), json::parse("[1,2,3]"));
  EXPECT_EQ(Apply("$['features'][1:]", R"({"features":[1,2,3]})"), json::parse("[2,3]"));
  EXPECT_EQ(Apply("$[0,2]", "[10,20,30]"), json::parse("[10,30]"));
  EXPECT_EQ(Apply("$[-1]", "[10,20,30]"), json::parse("30"));
  EXPECT_EQ(Apply("$[:-1]", "[10,20,30]"), json::parse("[10,20]"));
  EXPECT_EQ(Apply("$.a.b", R"({"a":{"b":[5]}})"), json::parse("[5]"));
  EXPECT_EQ(Apply("$[*]", R"({"x":1,"y":2})"), json::parse("[1,2]"));
}

TEST(JsonPathTest, SeveralQuotedMembersKeepThoseMembersInTheirOrder) {
  EXPECT_EQ(
      Apply("$['id','SageMakerOutput']", R"({"SageMakerOutput":{"score":1},"x":3,"id":2})").dump(),
      R"({"id":2,"SageMakerOutput":{"score":1}})");
}

TEST(JsonPathTest, ColumnSelectionsFollowPythonSlicing) {
  EXPECT_EQ(Columns("$[1:]", 4), (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(Columns("$[0,-1]", 4), (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(Columns("$[1:3]", 4), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(Columns("$[2:10]", 4), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(Columns("$[*]", 2), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(Columns("$", 2), (std::vector<std::size_t>{0, 1}));
}

TEST(JsonPathTest, MemberPathsDoNotSelectColumns) {
  EXPECT_FALSE(JsonPath::Parse("f", "$.features")->SelectsColumns());
  EXPECT_FALSE(JsonPath::Parse("f", "$[1:][0]")->SelectsColumns());
}

TEST(JsonPathTest, BadPathsAndMissingPartsAreClearErrors) {
  for (const char* bad : {"features", "$.", "$[", "$[1", "$['a", "$[a]", "$..x"}) {
    auto p = JsonPath::Parse("OutputFilter", bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.error().message().find("OutputFilter \""), std::string::npos)
        << p.error().message();
  }
  auto p = JsonPath::Parse("InputFilter", "$[5]");
  auto cols = p->SelectColumns(3);
  ASSERT_FALSE(cols.ok());
  EXPECT_NE(cols.error().message().find("index 5 is outside the record's 3 columns"),
            std::string::npos)
      << cols.error().message();
  auto missing = JsonPath::Parse("InputFilter", "$.features")->Apply(json::parse(R"({"f":1})"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("no member \"features\""), std::string::npos);
  auto not_object = JsonPath::Parse("InputFilter", "$.features")->Apply(json::parse("[1]"));
  EXPECT_FALSE(not_object.ok());
}

}  // namespace
}  // namespace kiln
