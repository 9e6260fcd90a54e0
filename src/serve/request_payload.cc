#include "serve/request_payload.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace kiln {
namespace {

using nlohmann::json;

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string LowerBase(std::string_view media) {
  media = Trim(media.substr(0, media.find(';')));
  std::string out(media);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Shows a field in a message: quoted, cut after 40 characters.
std::string Shown(std::string_view field) {
  std::string s(field.substr(0, 40));
  return "\"" + s + (field.size() > 40 ? "...\"" : "\"");
}

// A float written in full ("1.5", "-2e3", "+4", "nan", "inf"); nullopt otherwise.
std::optional<float> ParseFloat(std::string_view text) {
  if (!text.empty() && text.front() == '+')
    text.remove_prefix(1);
  if (text.empty())
    return std::nullopt;
  float v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return v;
}

Status RowWidthError(const std::string& where, std::size_t got, std::size_t want) {
  return Status::InvalidArgument(where + ": " + std::to_string(got) +
                                 (got == 1 ? " value" : " values") + ", the model takes " +
                                 std::to_string(want) +
                                 " features (send the features only: no label, no header)");
}

Status NoRows() {
  return Status::InvalidArgument("the request body holds no rows; send at least one");
}

// Calls `row(line, line_no, where)` for each line of `body` that is not blank (lines end in "\n"
// or "\r\n"; `line_no` counts from 1, `where` is "line <line_no>"), until one returns an error.
template <typename RowFn>
Status ForEachLine(std::string_view body, RowFn&& row) {
  std::size_t line_no = 0;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (Trim(line).empty())
      continue;
    RETURN_IF_ERROR(row(line, line_no, "line " + std::to_string(line_no)));
  }
  return Status::Ok();
}

Status ParseCsv(std::string_view body, std::size_t num_features, Matrix& m) {
  if (body.starts_with("\xEF\xBB\xBF"))
    body.remove_prefix(3);
  RETURN_IF_ERROR(ForEachLine(
      body, [&](std::string_view line, std::size_t line_no, const std::string& where) -> Status {
        std::size_t column = 0;
        std::size_t start = 0;
        while (true) {
          const std::size_t comma = line.find(',', start);
          const std::string_view field = Trim(line.substr(start, comma - start));
          ++column;
          if (column <= num_features) {
            float v = kMissing;
            if (!field.empty()) {
              if (field.front() == '"') {
                return Status::InvalidArgument(
                    where + ", column " + std::to_string(column) + ": " + Shown(field) +
                    " is quoted; features are numbers, send them unquoted");
              }
              const std::optional<float> parsed = ParseFloat(field);
              if (!parsed.has_value()) {
                return Status::InvalidArgument(where + ", column " + std::to_string(column) + ": " +
                                               Shown(field) + " is not a number" +
                                               (line_no == 1 ? " (send no header row)" : ""));
              }
              v = *parsed;
            }
            m.values.push_back(v);
          }
          if (comma == std::string_view::npos)
            break;
          start = comma + 1;
        }
        if (column != num_features)
          return RowWidthError(where, column, num_features);
        ++m.rows;
        return Status::Ok();
      }));
  if (m.rows == 0)
    return NoRows();
  return Status::Ok();
}

Result<json> ParseJson(std::string_view text, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (const std::size_t at = what.find("] "); at != std::string::npos)
      what.erase(0, at + 2);  // "[json.exception.parse_error.101] parse error ..." -> "parse ..."
    return Status::InvalidArgument(where + " is not valid JSON: " + what);
  }
}

// The array of feature values in one JSON row, or null when `row` has no recognised form.
const json* RowValues(const json& row) {
  if (row.is_array())
    return &row;
  if (!row.is_object())
    return nullptr;
  if (auto it = row.find("features"); it != row.end() && it->is_array())
    return &*it;
  if (auto data = row.find("data"); data != row.end() && data->is_object()) {
    if (auto f = data->find("features"); f != data->end() && f->is_object()) {
      if (auto v = f->find("values"); v != f->end() && v->is_array())
        return &*v;
    }
  }
  return nullptr;
}

Status AppendJsonRow(const json& row, const std::string& where, std::size_t num_features,
                     Matrix* m) {
  const json* values = RowValues(row);
  if (values == nullptr) {
    return Status::InvalidArgument(where +
                                   ": a row is a list of numbers or {\"features\": [numbers]}");
  }
  if (values->size() != num_features)
    return RowWidthError(where, values->size(), num_features);
  for (std::size_t i = 0; i < values->size(); ++i) {
    const json& v = (*values)[i];
    if (v.is_null()) {
      m->values.push_back(kMissing);
    } else if (v.is_number()) {
      m->values.push_back(static_cast<float>(v.get<double>()));
    } else {
      return Status::InvalidArgument(where + ", feature " + std::to_string(i + 1) + ": " +
                                     Shown(v.dump()) + " is not a number");
    }
  }
  ++m->rows;
  return Status::Ok();
}

bool IsFlatRow(const json& array) {
  for (const json& v : array) {
    if (!v.is_number() && !v.is_null())
      return false;
  }
  return !array.empty();
}

Status ParseJsonBody(std::string_view body, std::size_t num_features, Matrix& m) {
  ASSIGN_OR_RETURN(json doc, ParseJson(body, "the request body"));
  const json* instances = nullptr;
  if (doc.is_object()) {
    if (auto it = doc.find("instances"); it != doc.end()) {
      if (!it->is_array())
        return Status::InvalidArgument("\"instances\" must be a list of rows");
      instances = &*it;
    } else if (RowValues(doc) != nullptr) {
      return AppendJsonRow(doc, "instance 1", num_features, &m);
    } else {
      return Status::InvalidArgument(
          "the JSON body needs \"instances\" (a list of rows) or \"features\" (one row)");
    }
  } else if (doc.is_array()) {
    if (IsFlatRow(doc)) {
      return AppendJsonRow(doc, "instance 1", num_features, &m);
    }
    instances = &doc;
  } else {
    return Status::InvalidArgument(
        "the JSON body needs \"instances\" (a list of rows) or \"features\" (one row)");
  }
  for (std::size_t i = 0; i < instances->size(); ++i) {
    RETURN_IF_ERROR(
        AppendJsonRow((*instances)[i], "instance " + std::to_string(i + 1), num_features, &m));
  }
  if (m.rows == 0)
    return NoRows();
  return Status::Ok();
}

Status ParseJsonLines(std::string_view body, std::size_t num_features, Matrix& m) {
  RETURN_IF_ERROR(ForEachLine(
      body, [&](std::string_view line, std::size_t, const std::string& where) -> Status {
        ASSIGN_OR_RETURN(json row, ParseJson(line, where));
        return AppendJsonRow(row, where, num_features, &m);
      }));
  if (m.rows == 0)
    return NoRows();
  return Status::Ok();
}

}  // namespace

const char* MediaTypeName(MediaType type) {
  switch (type) {
    case MediaType::kCsv:
      return "text/csv";
    case MediaType::kJson:
      return "application/json";
    case MediaType::kJsonLines:
      return "application/jsonlines";
  }
  return "text/csv";
}

std::optional<MediaType> ParseContentType(std::string_view content_type) {
  const std::string base = LowerBase(content_type);
  if (base.empty() || base == "text/csv")
    return MediaType::kCsv;
  if (base == "application/json")
    return MediaType::kJson;
  if (base == "application/jsonlines" || base == "application/jsonl" ||
      base == "application/x-jsonlines") {
    return MediaType::kJsonLines;
  }
  return std::nullopt;
}

std::optional<MediaType> NegotiateAccept(std::string_view accept, MediaType request) {
  if (Trim(accept).empty())
    return request;
  while (true) {
    const std::size_t comma = accept.find(',');
    const std::string base = LowerBase(accept.substr(0, comma));
    if (base == "*/*")
      return request;
    if (!base.empty()) {
      if (std::optional<MediaType> t = ParseContentType(base))
        return t;
    }
    if (comma == std::string_view::npos)
      return std::nullopt;
    accept.remove_prefix(comma + 1);
  }
}

Status ParseRowsInto(MediaType type, std::string_view body, std::size_t num_features, Matrix* out) {
  out->rows = 0;
  out->cols = num_features;
  out->values.clear();  // keeps its capacity
  if (body.empty())
    return Status::InvalidArgument("the request body is empty; send at least one row");
  switch (type) {
    case MediaType::kCsv:
      return ParseCsv(body, num_features, *out);
    case MediaType::kJson:
      return ParseJsonBody(body, num_features, *out);
    case MediaType::kJsonLines:
      return ParseJsonLines(body, num_features, *out);
  }
  return Status::Internal("unknown media type");
}

Result<Matrix> ParseRows(MediaType type, std::string_view body, std::size_t num_features) {
  Matrix m;
  RETURN_IF_ERROR(ParseRowsInto(type, body, num_features, &m));
  return m;
}

}  // namespace kiln
