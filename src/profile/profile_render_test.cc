#include "profile/profile_render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "profile/profile_test_util.h"
#include "profile/profiler.h"

namespace kiln {
namespace {

using profile_test::kNA;
using profile_test::LabelColumn;
using profile_test::MakeTable;
using profile_test::NumberColumn;

DataProfile SampleProfile() {
  std::vector<double> x, when;
  std::vector<std::string> y, city;
  for (int i = 0; i < 30; ++i) {
    x.push_back(i == 4 ? kNA : i * 0.5);
    when.push_back(1204329600 + 86400.0 * i);
    y.push_back(i % 3 ? "no" : "yes");
    city.push_back(i % 2 ? "Oslo" : "Bergen");
  }
  Table t = MakeTable({NumberColumn("x", ColumnType::kNumeric, x),
                       NumberColumn("when", ColumnType::kDatetime, when),
                       NumberColumn("one", ColumnType::kNumeric, std::vector<double>(30, kNA)),
                       LabelColumn("city", city), LabelColumn("y", y)});
  t.columns[2].values[0] = 7;  // a single value: std is undefined
  ProfileOptions o;
  o.target = "y";
  Result<DataProfile> p = ProfileTable(t, o);
  EXPECT_TRUE(p.ok());
  return std::move(p).value();
}

TEST(ProfileJsonTest, JsonHasDatasetColumnTargetAndWarningFields) {
  nlohmann::json j = nlohmann::json::parse(RenderProfileJson(SampleProfile()));
  EXPECT_EQ(j["format"], "kiln-profile");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["source"], "test.csv");
  EXPECT_EQ(j["rows"], 30);
  EXPECT_EQ(j["column_count"], 5);
  EXPECT_EQ(j["duplicate_rows"], 0);
  EXPECT_TRUE(j["memory_bytes"].is_number());
  EXPECT_EQ(j["column_types"]["numeric"], 2);

  const nlohmann::json& x = j["columns"][0];
  EXPECT_EQ(x["name"], "x");
  EXPECT_EQ(x["type"], "numeric");
  EXPECT_EQ(x["missing"], 1);
  EXPECT_EQ(x["distinct"], 29);
  EXPECT_EQ(x["is_id"], false);
  for (const char* k : {"min", "max", "mean", "std", "median", "p5", "p25", "p75", "p95", "zeros",
                        "skew", "histogram"}) {
    EXPECT_TRUE(x["numeric"].contains(k)) << k;
  }
  EXPECT_EQ(x["numeric"]["histogram"]["counts"].size(), 20u);
  EXPECT_EQ(x["numeric"]["histogram"]["edges"].size(), 21u);

  EXPECT_EQ(j["columns"][1]["datetime"]["min"], "2008-03-01");
  EXPECT_EQ(j["columns"][1]["datetime"]["max"], "2008-03-30");
  EXPECT_TRUE(j["columns"][2]["numeric"]["std"].is_null());  // NaN -> null

  const nlohmann::json& city = j["columns"][3];
  ASSERT_EQ(city["top_values"].size(), 2u);
  EXPECT_EQ(city["top_values"][0]["value"], "Bergen");
  EXPECT_EQ(city["top_values"][0]["count"], 15);
  EXPECT_DOUBLE_EQ(city["top_values"][0]["share"].get<double>(), 0.5);

  EXPECT_EQ(j["target"]["column"], "y");
  EXPECT_EQ(j["target"]["problem_type"], "binary");
  EXPECT_EQ(j["target"]["classes"][0]["value"], "no");
  EXPECT_EQ(j["target"]["classes"][0]["count"], 20);

  ASSERT_TRUE(j["warnings"].is_array());
  bool saw_missing = false;
  for (const nlohmann::json& w : j["warnings"]) {
    EXPECT_TRUE(w.contains("severity") && w.contains("kind") && w.contains("message"));
    saw_missing = saw_missing || (w["kind"] == "missing" && w["column"] == "one");
  }
  EXPECT_TRUE(saw_missing);
}

TEST(ProfileHtmlTest, HtmlEscapesColumnNamesAndValues) {
  Table t = MakeTable({LabelColumn("<script>", {"a&b", "\"q\"", "<img src=x onerror=alert(1)>"}),
                       NumberColumn("it's", ColumnType::kNumeric, {1, 2, 3})});
  Result<DataProfile> p = ProfileTable(t, {});
  ASSERT_TRUE(p.ok());
  std::string html = RenderProfileHtml(*p);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b"), std::string::npos);
  EXPECT_NE(html.find("&quot;q&quot;"), std::string::npos);
  EXPECT_NE(html.find("it&#39;s"), std::string::npos);
}

TEST(ProfileHtmlTest, HtmlIsSelfContainedWithChartsAndSections) {
  std::string html = RenderProfileHtml(SampleProfile());
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Class balance"), std::string::npos);
  EXPECT_NE(html.find("id=warnings"), std::string::npos);
  EXPECT_NE(html.find("2008-03-30"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(ProfileTextTest, TextListsColumnsTargetAndWarnings) {
  std::string text = RenderProfileText(SampleProfile());
  EXPECT_NE(text.find("30 rows"), std::string::npos);
  EXPECT_NE(text.find("Bergen 50.0%"), std::string::npos);
  EXPECT_NE(text.find("2008-03-01 .. 2008-03-30"), std::string::npos);
  EXPECT_NE(text.find("Target \"y\": binary"), std::string::npos);
  EXPECT_NE(text.find("Warnings:"), std::string::npos);
  EXPECT_NE(text.find("high"), std::string::npos);  // "one" is 97% missing
}

}  // namespace
}  // namespace kiln
