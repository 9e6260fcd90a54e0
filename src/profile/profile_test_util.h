// Helpers for the profile tests: hand-built columns and tables, and CSV tables.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "profile/data_profile.h"
#include "table/table.h"
#include "table/table_reader.h"

namespace kiln::profile_test {

inline constexpr double kNA = std::numeric_limits<double>::quiet_NaN();

inline Column NumberColumn(std::string name, ColumnType type, std::vector<double> values) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.values = std::move(values);
  return c;
}

// Codes/levels from cells; "" is missing.
inline Column LabelColumn(std::string name, const std::vector<std::string>& cells,
                          ColumnType type = ColumnType::kCategorical) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  for (const std::string& s : cells) {
    if (s.empty()) {
      c.codes.push_back(-1);
      continue;
    }
    std::int32_t code = -1;
    for (std::size_t i = 0; i < c.levels.size(); ++i) {
      if (c.levels[i] == s)
        code = static_cast<std::int32_t>(i);
    }
    if (code < 0) {
      code = static_cast<std::int32_t>(c.levels.size());
      c.levels.push_back(s);
    }
    c.codes.push_back(code);
  }
  c.distinct = c.levels.size();
  return c;
}

inline Table MakeTable(std::vector<Column> columns) {
  Table t;
  t.source = "test.csv";
  t.num_rows = columns.empty() ? 0 : std::max(columns[0].values.size(), columns[0].codes.size());
  t.columns = std::move(columns);
  return t;
}

// Parses CSV text as the CLI would read a file, with `target` as a dictionary column.
inline Table ReadCsv(const std::string& csv, const std::string& target = "") {
  ReadOptions options;
  options.num_threads = 1;
  if (!target.empty())
    options.dictionary_columns = {target};
  Result<Table> t = ParseTable(csv, "test.csv", options);
  if (!t.ok())
    return Table{};
  return std::move(t).value();
}

inline const ColumnProfile* FindColumn(const DataProfile& p, const std::string& name) {
  for (const ColumnProfile& c : p.columns) {
    if (c.name == name)
      return &c;
  }
  return nullptr;
}

inline bool HasWarning(const DataProfile& p, const std::string& kind, const std::string& column,
                       Severity severity) {
  for (const ProfileWarning& w : p.warnings) {
    if (w.kind == kind && w.column == column && w.severity == severity)
      return true;
  }
  return false;
}

inline bool HasWarningKind(const DataProfile& p, const std::string& kind) {
  for (const ProfileWarning& w : p.warnings) {
    if (w.kind == kind)
      return true;
  }
  return false;
}

}  // namespace kiln::profile_test
