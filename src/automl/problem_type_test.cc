#include "automl/problem_type.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kiln {
namespace {

// A target column as the reader produces it for a dictionary column.
Column Target(ColumnType type, const std::vector<std::string>& cells) {
  Column c;
  c.name = "y";
  c.type = type;
  for (const std::string& s : cells) {
    if (s.empty()) {
      c.codes.push_back(-1);
      c.values.push_back(std::nan(""));
      continue;
    }
    int code = -1;
    for (std::size_t i = 0; i < c.levels.size(); ++i) {
      if (c.levels[i] == s)
        code = static_cast<int>(i);
    }
    if (code < 0) {
      code = static_cast<int>(c.levels.size());
      c.levels.push_back(s);
    }
    c.codes.push_back(code);
    c.values.push_back(IsNumberLike(type) && type != ColumnType::kBoolean ? std::stod(s) : 0);
  }
  c.distinct = c.levels.size();
  return c;
}

TEST(ProblemTypeTest, TwoDistinctValuesAreBinary) {
  auto p = InferProblemType(Target(ColumnType::kCategorical, {">50K", "<=50K", ">50K"}), {});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->task, Task::kBinary);
  EXPECT_NE(p->reason.find("2 distinct"), std::string::npos);
}

TEST(ProblemTypeTest, FewIntegersAreMulticlassManyAreRegression) {
  std::vector<std::string> few, many;
  for (int i = 0; i < 100; ++i)
    few.push_back(std::to_string(i % 7));
  for (int i = 0; i < 100; ++i)
    many.push_back(std::to_string(i % 28));
  EXPECT_EQ(InferProblemType(Target(ColumnType::kInteger, few), {})->task, Task::kMulticlass);
  auto p = InferProblemType(Target(ColumnType::kInteger, many), {});
  EXPECT_EQ(p->task, Task::kRegression);
  EXPECT_NE(p->reason.find("28"), std::string::npos);
}

TEST(ProblemTypeTest, ForcedRegressionNeedsANumericTarget) {
  auto p = InferProblemType(Target(ColumnType::kCategorical, {"a", "b", "c"}), Task::kRegression);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message().find("not numeric"), std::string::npos);
  EXPECT_EQ(
      InferProblemType(Target(ColumnType::kInteger, {"3", "4", "5"}), Task::kRegression)->task,
      Task::kRegression);
}

TEST(ProblemTypeTest, SingleClassIsAnError) {
  auto p = InferProblemType(Target(ColumnType::kCategorical, {"a", "a", ""}), {});
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message().find("single"), std::string::npos);
  EXPECT_FALSE(InferProblemType(Target(ColumnType::kCategorical, {"", ""}), {}).has_value());
}

TEST(ProblemTypeTest, ClassLabelsSortNumericallyAndKeepSpelling) {
  EncodedTarget e =
      EncodeTarget(Target(ColumnType::kInteger, {"10", "2", "1", "2", ""}), Task::kMulticlass);
  EXPECT_EQ(e.class_labels, (std::vector<std::string>{"1", "2", "10"}));
  EXPECT_EQ(e.y[0], 2);
  EXPECT_EQ(e.y[1], 1);
  EXPECT_EQ(e.y[2], 0);
  EXPECT_TRUE(std::isnan(e.y[4]));
  EncodedTarget b = EncodeTarget(Target(ColumnType::kBoolean, {"True", "False"}), Task::kBinary);
  EXPECT_EQ(b.class_labels, (std::vector<std::string>{"False", "True"}));
  EXPECT_EQ(b.y[0], 1);
}

}  // namespace
}  // namespace kiln
