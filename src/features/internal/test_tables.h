// Test helpers for src/features: hand-built Tables (the CSV reader is not needed) and shorthands
// for fitting and transforming. Test-only; not part of the library.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "features/feature_pipeline.h"

namespace kiln::features_testing {

inline constexpr double kNa = std::numeric_limits<double>::quiet_NaN();
inline constexpr const char* kMissing = "\x01NA";  // marks a missing categorical cell in Cat()

inline Column Num(const std::string& name, std::vector<double> values,
                  ColumnType type = ColumnType::kNumeric) {
  Column c;
  c.name = name;
  c.type = type;
  c.values = std::move(values);
  return c;
}

// Codes/levels in order of first appearance, as the reader builds them; kMissing -> code -1.
inline Column Cat(const std::string& name, const std::vector<std::string>& cells,
                  ColumnType type = ColumnType::kCategorical) {
  Column c;
  c.name = name;
  c.type = type;
  for (const std::string& s : cells) {
    if (s == kMissing) {
      c.codes.push_back(-1);
      continue;
    }
    auto it = std::find(c.levels.begin(), c.levels.end(), s);
    if (it == c.levels.end()) {
      c.levels.push_back(s);
      it = c.levels.end() - 1;
    }
    c.codes.push_back(static_cast<std::int32_t>(it - c.levels.begin()));
  }
  return c;
}

inline Table MakeTable(std::vector<Column> columns) {
  Table t;
  t.source = "test.csv";
  const Column& first = columns.front();
  t.num_rows = IsNumberLike(first.type) ? first.values.size() : first.codes.size();
  t.columns = std::move(columns);
  return t;
}

inline std::vector<std::string> Names(const Table& t) {
  std::vector<std::string> names;
  for (const Column& c : t.columns)
    names.push_back(c.name);
  return names;
}

inline PipelineSpec Linear() {
  PipelineSpec s;
  s.encoding = FeatureEncoding::kLinear;
  return s;
}

inline int Col(const FeaturePipeline& p, const std::string& name) {
  const auto& names = p.output_names();
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

inline FeaturePipeline FitOk(const Table& t, const PipelineSpec& spec,
                             Task task = Task::kRegression, int num_classes = 0,
                             std::vector<float> y = {}, Matrix* train = nullptr,
                             std::uint64_t seed = 7) {
  if (y.empty())
    y.assign(t.num_rows, 0.0f);
  auto p = FeaturePipeline::Fit(t, Names(t), spec, task, num_classes, y, seed, train);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

inline Matrix TransformOk(const FeaturePipeline& p, const Table& t) {
  auto m = p.Transform(t);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

inline bool HasNan(const Matrix& m) {
  return std::any_of(m.values.begin(), m.values.end(), [](float v) { return std::isnan(v); });
}

inline bool SameBytes(const Matrix& a, const Matrix& b) {
  return a.rows == b.rows && a.cols == b.cols &&
         std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(float)) == 0;
}

inline Column Text(const std::string& name, const std::vector<std::string>& cells) {
  return Cat(name, cells, ColumnType::kText);
}

// A table with one column of each kind (numeric, integer, datetime, categorical, high-cardinality
// categorical, text), with missing values.
inline Table Mixed(std::size_t rows) {
  std::vector<double> num, integer, dates;
  std::vector<std::string> cat, many, text;
  for (std::size_t i = 0; i < rows; ++i) {
    num.push_back(i % 9 == 0 ? kNa : std::sin(static_cast<double>(i)) * 100);
    integer.push_back(static_cast<double>(i % 13));
    dates.push_back(i % 11 == 0 ? kNa : 1.6e9 + static_cast<double>(i) * 4000.0);
    cat.push_back(i % 10 == 0 ? kMissing : std::string(1, static_cast<char>('a' + i % 4 + i % 3)));
    many.push_back("m" + std::to_string((i * 7) % 90));
    text.push_back(i % 8 == 0 ? kMissing : "word" + std::to_string(i % 5) + " common text");
  }
  return MakeTable({Num("num", num), Num("int", integer, ColumnType::kInteger),
                    Num("when", dates, ColumnType::kDatetime), Cat("cat", cat), Cat("many", many),
                    Text("text", text)});
}

inline std::vector<float> MixedTarget(std::size_t rows) {
  std::vector<float> y;
  for (std::size_t i = 0; i < rows; ++i)
    y.push_back(static_cast<float>((i * 31 % 17) % 3));
  return y;
}

inline Table MixedUnseen() {
  return MakeTable({Num("num", {kNa, 1e30}), Num("int", {kNa, -5}, ColumnType::kInteger),
                    Num("when", {kNa, 1e300}, ColumnType::kDatetime),
                    Cat("cat", {kMissing, "never"}), Cat("many", {"zz", kMissing}),
                    Text("text", {kMissing, "unseen words"})});
}

}  // namespace kiln::features_testing
