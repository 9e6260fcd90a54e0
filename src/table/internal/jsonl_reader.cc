#include "table/internal/jsonl_reader.h"

#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "table/internal/column_finisher.h"
#include "table/internal/column_profile.h"
#include "table/internal/column_setup.h"
#include "table/internal/column_writer.h"
#include "table/internal/na_matcher.h"
#include "table/internal/type_inference.h"

namespace kiln::table_internal {
namespace {

using Json = nlohmann::ordered_json;

// One column's cells as text ("" = missing), one per row.
struct JsonColumn {
  std::string name;
  std::vector<std::string> cells;
};

// The cell text of a scalar JSON value; false for arrays and objects.
bool ScalarText(const Json& v, std::string* out) {
  switch (v.type()) {
    case Json::value_t::null:
      out->clear();
      return true;
    case Json::value_t::string:
      *out = v.get_ref<const std::string&>();
      return true;
    case Json::value_t::boolean:
      *out = v.get<bool>() ? "true" : "false";
      return true;
    case Json::value_t::number_integer:
      *out = std::to_string(v.get<std::int64_t>());
      return true;
    case Json::value_t::number_unsigned:
      *out = std::to_string(v.get<std::uint64_t>());
      return true;
    case Json::value_t::number_float:
      *out = v.dump();
      return true;
    default:
      return false;
  }
}

// Parses one line; the parser's exceptions stop here.
Result<Json> ParseLine(std::string_view line) {
  try {
    return Json::parse(line.begin(), line.end());
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> from "column".
    std::size_t at = what.find("column ");
    return Status::InvalidArgument(at == std::string::npos ? what : what.substr(at));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(e.what());
  }
}

}  // namespace

Result<Table> ParseJsonLines(std::string_view contents, std::string_view display_name,
                             const ReadOptions& options) {
  const std::string name(display_name);
  auto error = [&](const std::string& m) { return Status::InvalidArgument(name + ": " + m); };
  if (contents.substr(0, 3) == "\xEF\xBB\xBF")
    contents.remove_prefix(3);

  std::vector<JsonColumn> columns;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::uint64_t> row_lines;
  std::uint64_t line_no = 0;
  std::size_t pos = 0;
  std::string text;
  while (pos < contents.size()) {
    std::size_t nl = contents.find('\n', pos);
    std::string_view line =
        contents.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? contents.size() : nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
      continue;
    Result<Json> parsed = ParseLine(line);
    if (!parsed.ok()) {
      return error("line " + std::to_string(line_no) + ": invalid JSON (" +
                   parsed.error().message() + ")");
    }
    const Json& obj = parsed.value();
    if (!obj.is_object()) {
      return error("line " + std::to_string(line_no) +
                   ": expected a JSON object ({\"key\": value, ...})");
    }
    std::size_t row = row_lines.size();
    row_lines.push_back(line_no);
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      if (key.empty())
        return error("line " + std::to_string(line_no) + ": a key is empty");
      if (!ScalarText(it.value(), &text)) {
        return error("line " + std::to_string(line_no) + ", key \"" + key +
                     "\": nested arrays and objects are not supported; flatten the value into "
                     "separate keys");
      }
      auto [entry, inserted] = index.emplace(key, columns.size());
      if (inserted)
        columns.push_back(JsonColumn{key, {}});
      JsonColumn& col = columns[entry->second];
      col.cells.resize(row + 1);
      col.cells[row] = std::move(text);
    }
  }
  if (row_lines.empty())
    return error("file is empty");
  const std::size_t num_rows = row_lines.size();
  std::vector<std::string> names;
  for (JsonColumn& c : columns) {
    c.cells.resize(num_rows);
    names.push_back(c.name);
  }

  std::vector<ColumnSetup> setups = MakeColumnSetups(names, options);
  NaMatcher na(options.na_values);
  Table table;
  table.source = name;
  table.num_rows = num_rows;
  table.columns.resize(columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    ColumnProfile profile(setups[c]);
    const std::vector<std::string>& cells = columns[c].cells;
    for (std::size_t r = 0; r < num_rows; ++r) {
      RawCell cell{cells[r], false};
      if (na.IsMissing(cell.text())) {
        profile.ObserveMissing();
      } else if (!profile.Observe(cell, row_lines[r])) {
        return error("line " + std::to_string(row_lines[r]) + ", " +
                     ForcedTypeMismatch(names[c], setups[c].forced_type, cell));
      }
    }
    ColumnPlan plan = PlanColumn(setups[c], profile);
    Column& col = table.columns[c];
    AllocateColumn(setups[c], plan, num_rows, &col);
    ColumnWriter writer(plan.type, na, col.values.empty() ? nullptr : col.values.data(),
                        col.codes.empty() ? nullptr : col.codes.data());
    for (std::size_t r = 0; r < num_rows; ++r)
      writer.Write(r, RawCell(cells[r]));
    FinishColumn(setups[c], plan, profile, {&writer}, {0}, &col);
  }
  return table;
}

}  // namespace kiln::table_internal
