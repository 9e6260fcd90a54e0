#include "serve/request_payload.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "serve/internal/payload_rows.h"

namespace kiln {
namespace {

using serve_internal::ForEachLine;
using serve_internal::NoRows;
using serve_internal::RowWidthError;
using serve_internal::Shown;

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

std::string LowerBase(std::string_view media) {
  media = serve_internal::TrimBlanks(media.substr(0, media.find(';')));
  std::string out(media);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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

Status ParseCsv(std::string_view body, std::size_t num_features, Matrix& m) {
  if (body.starts_with("\xEF\xBB\xBF"))
    body.remove_prefix(3);
  RETURN_IF_ERROR(ForEachLine(
      body, [&](std::string_view line, std::size_t line_no, const std::string& where) -> Status {
        std::size_t column = 0;
        std::size_t start = 0;
        while (true) {
          const std::size_t comma = line.find(',', start);
          const std::string_view field =
              serve_internal::TrimBlanks(line.substr(start, comma - start));
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

// A JSON row's values as floats: numbers, and null as missing.
class FloatSink final : public serve_internal::JsonRowSink {
 public:
  FloatSink(bool lines, std::size_t num_features, Matrix& m)
      : lines_(lines), num_features_(num_features), m_(m) {}

  Status BeginRow(std::uint32_t number) override {
    number_ = number;
    return Status::Ok();
  }

  Status EndRow(std::size_t width) override {
    if (width != num_features_)
      return RowWidthError(serve_internal::JsonPlace(lines_, number_), width, num_features_);
    ++m_.rows;
    return Status::Ok();
  }

  bool Value(std::size_t index, const serve_internal::JsonValue& v, Status* error) override {
    if (index >= num_features_)
      return true;  // EndRow refuses the row
    if (v.kind == serve_internal::JsonKind::kNumber) {
      m_.values.push_back(static_cast<float>(v.number));
    } else if (v.kind == serve_internal::JsonKind::kNull) {
      m_.values.push_back(kMissing);
    } else {
      *error = Status::InvalidArgument(serve_internal::JsonPlace(lines_, number_) + ", feature " +
                                       std::to_string(index + 1) + ": " + Shown(v.raw) +
                                       " is not a number");
      return false;
    }
    return true;
  }

 private:
  const bool lines_;
  const std::size_t num_features_;
  Matrix& m_;
  std::uint32_t number_ = 0;
};

Status ParseJsonRows(bool lines, std::string_view body, std::size_t num_features, Matrix& m,
                     JsonParser& json, std::size_t padding) {
  serve_internal::JsonRowOptions options;
  options.lines = lines;
  options.padding = padding;
  options.numbers = true;
  FloatSink sink(lines, num_features, m);
  RETURN_IF_ERROR(json.ForEachRow(body, options, sink));
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
  if (serve_internal::TrimBlanks(accept).empty())
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

Status ParseRowsInto(MediaType type, std::string_view body, std::size_t num_features, Matrix* out,
                     JsonParser* json, std::size_t body_padding) {
  out->rows = 0;
  out->cols = num_features;
  out->values.clear();  // keeps its capacity
  if (body.empty())
    return Status::InvalidArgument("the request body is empty; send at least one row");
  switch (type) {
    case MediaType::kCsv:
      return ParseCsv(body, num_features, *out);
    case MediaType::kJson:
    case MediaType::kJsonLines:
      return ParseJsonRows(type == MediaType::kJsonLines, body, num_features, *out, *json,
                           body_padding);
  }
  return Status::Internal("unknown media type");
}

Status ParseRowsInto(MediaType type, std::string_view body, std::size_t num_features, Matrix* out) {
  JsonParser json;
  return ParseRowsInto(type, body, num_features, out, &json);
}

Result<Matrix> ParseRows(MediaType type, std::string_view body, std::size_t num_features) {
  Matrix m;
  RETURN_IF_ERROR(ParseRowsInto(type, body, num_features, &m));
  return m;
}

}  // namespace kiln
