// ParseFieldsInto: RFC 4180 records of a CSV body and the values of JSON rows as string views; see
// the header.
#include "serve/request_fields.h"

#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/number_format.h"
#include "serve/internal/payload_rows.h"

namespace kiln {
namespace {

using nlohmann::json;
using serve_internal::NoRows;
using serve_internal::RowWidthError;
using serve_internal::Shown;

Status CsvError(std::size_t line, std::size_t column, const std::string& what) {
  return Status::InvalidArgument("line " + std::to_string(line) + ", column " +
                                 std::to_string(column) + ": " + what);
}

// One CSV record starting at body[*pos] (not at its end): appends its first `n` fields to f (the
// others are counted, not kept), moves *pos past the record and *line past its line breaks, and
// returns the number of fields in *count. A record of one blank unquoted field (a blank line) is
// reported as 0 fields.
Status CsvRecord(std::string_view body, std::size_t n, std::size_t* pos, std::size_t* line,
                 std::size_t* count, FieldRows& f) {
  const std::size_t first = f.fields.size();
  const std::size_t record_line = *line;
  std::size_t column = 0;
  std::size_t p = *pos;
  bool blank = true;  // a single unquoted field of blanks so far
  while (true) {
    std::string_view field;
    bool at_end = false;  // the field ends the record
    if (p < body.size() && body[p] == '"') {
      blank = false;
      // A quoted field: up to the closing quote that is not doubled.
      const std::size_t open = p;
      bool doubled = false;
      std::size_t q = p + 1;
      while (true) {
        const std::size_t close = body.find('"', q);
        if (close == std::string_view::npos) {
          return CsvError(
              record_line, column + 1,
              "a quoted field opened here is never closed (end a quoted field with \")");
        }
        if (close + 1 < body.size() && body[close + 1] == '"') {
          doubled = true;
          q = close + 2;
          continue;
        }
        q = close;
        break;
      }
      for (std::size_t i = open; i < q; ++i)
        *line += body[i] == '\n' ? 1 : 0;
      const std::string_view inside = body.substr(open + 1, q - open - 1);
      p = q + 1;
      if (p < body.size() && body[p] == '\r' && (p + 1 == body.size() || body[p + 1] == '\n'))
        ++p;
      if (p < body.size() && body[p] != ',' && body[p] != '\n') {
        return CsvError(*line, column + 1,
                        "unexpected text after a closing quote (a quote inside a quoted field is "
                        "written twice: \"\")");
      }
      if (!doubled) {
        field = inside;
      } else {
        const std::size_t at = f.scratch.size();
        for (std::size_t i = 0; i < inside.size(); ++i) {
          f.scratch.push_back(inside[i]);
          if (inside[i] == '"')
            ++i;  // the second quote of a pair
        }
        field = std::string_view(f.scratch).substr(at);
      }
    } else {
      std::size_t end = p;
      while (end < body.size() && body[end] != ',' && body[end] != '\n')
        ++end;
      field = body.substr(p, end - p);
      if (end == body.size() || body[end] == '\n') {
        if (!field.empty() && field.back() == '\r')
          field.remove_suffix(1);
      }
      blank = blank && column == 0 && serve_internal::TrimBlanks(field).empty();
      p = end;
    }
    if (column < n)
      f.fields.push_back(field);
    ++column;
    at_end = p >= body.size() || body[p] == '\n';
    if (!at_end) {
      ++p;  // the comma; a comma at the very end is followed by one more, empty field
      if (p == body.size()) {
        if (column < n)
          f.fields.push_back(std::string_view());
        ++column;
        break;
      }
      continue;
    }
    if (p < body.size()) {
      ++p;
      ++*line;
    }
    break;
  }
  *pos = p;
  if (blank && column == 1) {
    f.fields.resize(first);
    *count = 0;
    return Status::Ok();
  }
  *count = column;
  return Status::Ok();
}

Status ParseCsvFields(std::string_view body, std::size_t n, FieldRows& f) {
  if (body.starts_with("\xEF\xBB\xBF"))
    body.remove_prefix(3);
  f.csv = true;
  f.scratch.reserve(body.size());  // unquoted text is never longer: views into it stay valid
  std::size_t pos = 0;
  std::size_t line = 1;
  while (pos < body.size()) {
    const std::size_t record_line = line;
    std::size_t count = 0;
    RETURN_IF_ERROR(CsvRecord(body, n, &pos, &line, &count, f));
    if (count == 0)
      continue;  // a blank line
    if (count != n)
      return RowWidthError("line " + std::to_string(record_line), count, n);
    f.number.push_back(static_cast<std::uint32_t>(record_line));
    ++f.rows;
  }
  if (f.rows == 0)
    return NoRows();
  return Status::Ok();
}

// A top-level array of values that are not arrays or objects is one row.
bool IsFlatRow(const json& array) {
  for (const json& v : array) {
    if (v.is_array() || v.is_object())
      return false;
  }
  return !array.empty();
}

// Appends one JSON row's values as text to scratch: strings as they are, numbers in shortest
// round-trip form (integers as integers), true/false as such, null as missing (empty). Views are
// made once the whole body is read (scratch may move while it grows): offsets are kept meanwhile.
Status AppendJsonRow(const json& values, const std::string& where, std::size_t n,
                     std::uint32_t number, FieldRows& f) {
  if (values.size() != n)
    return RowWidthError(where, values.size(), n);
  char buf[24];  // an integer's digits
  for (std::size_t i = 0; i < n; ++i) {
    const json& v = values[i];
    std::string_view text;
    if (v.is_string()) {
      text = v.get_ref<const std::string&>();
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "true" : "false";
    } else if (v.is_number_unsigned()) {
      const auto end = std::to_chars(buf, buf + sizeof buf, v.get<std::uint64_t>()).ptr;
      text = std::string_view(buf, static_cast<std::size_t>(end - buf));
    } else if (v.is_number_integer()) {
      const auto end = std::to_chars(buf, buf + sizeof buf, v.get<std::int64_t>()).ptr;
      text = std::string_view(buf, static_cast<std::size_t>(end - buf));
    } else if (v.is_number_float()) {
      const std::size_t at = f.scratch.size();
      AppendShortest(v.get<double>(), &f.scratch);
      f.offsets.push_back(at);
      f.offsets.push_back(f.scratch.size() - at);
      continue;
    } else if (!v.is_null()) {
      return Status::InvalidArgument(where + ", feature " + std::to_string(i + 1) + ": " +
                                     Shown(v.dump()) +
                                     " is not a value (send a number, a string or null)");
    }
    // Kept as an offset into scratch until the whole body is read (see FixViews).
    f.offsets.push_back(f.scratch.size());
    f.offsets.push_back(text.size());
    f.scratch.append(text);
  }
  f.number.push_back(number);
  ++f.rows;
  return Status::Ok();
}

// JSON rows were kept as (offset, length) pairs in f.offsets; views of the final scratch now.
void FixViews(FieldRows& f) {
  f.fields.resize(f.offsets.size() / 2);
  for (std::size_t i = 0; i < f.fields.size(); ++i)
    f.fields[i] = std::string_view(f.scratch).substr(f.offsets[2 * i], f.offsets[2 * i + 1]);
}

Status ParseJsonFields(std::string_view body, std::size_t n, FieldRows& f) {
  f.instances = true;
  ASSIGN_OR_RETURN(const json doc, serve_internal::ParseJson(body, "the request body"));
  std::uint32_t instance = 0;
  RETURN_IF_ERROR(serve_internal::ForEachJsonRow(
      doc, IsFlatRow, [&](const json& values, const std::string& where) {
        return AppendJsonRow(values, where, n, ++instance, f);
      }));
  FixViews(f);
  if (f.rows == 0)
    return NoRows();
  return Status::Ok();
}

Status ParseJsonLinesFields(std::string_view body, std::size_t n, FieldRows& f) {
  RETURN_IF_ERROR(serve_internal::ForEachLine(
      body, [&](std::string_view line, std::size_t line_no, const std::string& where) -> Status {
        ASSIGN_OR_RETURN(const json row, serve_internal::ParseJson(line, where));
        const json* values = serve_internal::RowValues(row);
        if (values == nullptr) {
          return Status::InvalidArgument(where +
                                         ": a row is a list of values or {\"features\": [values]}");
        }
        return AppendJsonRow(*values, where, n, static_cast<std::uint32_t>(line_no), f);
      }));
  FixViews(f);
  if (f.rows == 0)
    return NoRows();
  return Status::Ok();
}

}  // namespace

std::string FieldRows::Where(std::size_t row, std::size_t col) const {
  return (instances ? "instance " : "line ") + std::to_string(number[row]) +
         (csv ? ", column " : ", feature ") + std::to_string(col + 1);
}

Status ParseFieldsInto(MediaType type, std::string_view body, std::size_t num_fields,
                       FieldRows* out) {
  out->rows = 0;
  out->cols = num_fields;
  out->fields.clear();  // keeps its capacity
  out->number.clear();
  out->scratch.clear();
  out->offsets.clear();
  out->instances = false;
  out->csv = false;
  if (body.empty())
    return Status::InvalidArgument("the request body is empty; send at least one row");
  switch (type) {
    case MediaType::kCsv:
      return ParseCsvFields(body, num_fields, *out);
    case MediaType::kJson:
      return ParseJsonFields(body, num_fields, *out);
    case MediaType::kJsonLines:
      return ParseJsonLinesFields(body, num_fields, *out);
  }
  return Status::Internal("unknown media type");
}

}  // namespace kiln
