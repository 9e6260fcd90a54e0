// ParseFieldsInto: RFC 4180 records of a CSV body and the values of JSON rows (walked by
// serve_internal::JsonRowReader) as string views; see the header.
#include "serve/request_fields.h"

#include "serve/internal/payload_rows.h"

namespace kiln {
namespace {

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

// A JSON row's values as text fields: a string's contents (a view into the body, or unescaped
// into scratch), a number's text as sent ("1.0" stays "1.0"), true/false as such, null as
// missing (empty).
class FieldSink final : public serve_internal::JsonRowSink {
 public:
  FieldSink(bool lines, std::size_t n, FieldRows& f) : lines_(lines), n_(n), f_(f) {}

  Status BeginRow(std::uint32_t number) override {
    f_.number.push_back(number);
    return Status::Ok();
  }

  Status EndRow(std::size_t width) override {
    if (width != n_)
      return RowWidthError(serve_internal::JsonPlace(lines_, f_.number.back()), width, n_);
    ++f_.rows;
    return Status::Ok();
  }

  bool Value(std::size_t index, const serve_internal::JsonValue& v, Status* error) override {
    using serve_internal::JsonKind;
    if (index >= n_)
      return true;  // EndRow refuses the row
    switch (v.kind) {
      case JsonKind::kString:
        f_.fields.push_back(v.text);
        return true;
      case JsonKind::kNumber:
      case JsonKind::kTrue:
      case JsonKind::kFalse:
        f_.fields.push_back(v.raw);
        return true;
      case JsonKind::kNull:
        f_.fields.push_back(std::string_view());
        return true;
      case JsonKind::kArray:
      case JsonKind::kObject:
        break;
    }
    *error =
        Status::InvalidArgument(serve_internal::JsonPlace(lines_, f_.number.back()) + ", feature " +
                                std::to_string(index + 1) + ": " + Shown(v.raw) +
                                " is not a value (send a number, a string or null)");
    return false;
  }

 private:
  const bool lines_;
  const std::size_t n_;
  FieldRows& f_;
};

Status ParseJsonFields(bool lines, std::string_view body, std::size_t n, FieldRows& f,
                       std::size_t padding) {
  f.instances = !lines;
  f.scratch.reserve(body.size());  // unescaped text is never longer: views into it stay valid
  serve_internal::JsonRowOptions options;
  options.lines = lines;
  options.flat_strings = true;
  options.scratch = &f.scratch;
  options.padding = padding;
  FieldSink sink(lines, n, f);
  RETURN_IF_ERROR(f.json.ForEachRow(body, options, sink));
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
                       FieldRows* out, std::size_t body_padding) {
  out->rows = 0;
  out->cols = num_fields;
  out->fields.clear();  // keeps its capacity
  out->number.clear();
  out->scratch.clear();
  out->instances = false;
  out->csv = false;
  if (body.empty())
    return Status::InvalidArgument("the request body is empty; send at least one row");
  switch (type) {
    case MediaType::kCsv:
      return ParseCsvFields(body, num_fields, *out);
    case MediaType::kJson:
    case MediaType::kJsonLines:
      return ParseJsonFields(type == MediaType::kJsonLines, body, num_fields, *out, body_padding);
  }
  return Status::Internal("unknown media type");
}

}  // namespace kiln
