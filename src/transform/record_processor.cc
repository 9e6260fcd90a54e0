#include "transform/record_processor.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

namespace kiln {
namespace {

using json = nlohmann::ordered_json;

bool IsCsv(MediaType t) { return t == MediaType::kCsv; }

Result<std::optional<JsonPath>> ParseFilter(std::string_view field, const std::string& text,
                                            bool csv, const char* what) {
  ASSIGN_OR_RETURN(JsonPath path, JsonPath::Parse(field, text));
  if (path.IsRoot())
    return std::optional<JsonPath>();
  if (csv && !path.SelectsColumns()) {
    return Status::InvalidArgument(std::string(field) + " \"" + text + "\": " + what +
                                   " CSV records, which are lists of columns; use $, [i,...], "
                                   "[a:b] or [*]");
  }
  return std::optional<JsonPath>(std::move(path));
}

// Appends the columns of `line` that `path` keeps, comma-separated, as written.
Status AppendColumns(const JsonPath& path, std::string_view line, std::string* out) {
  const std::vector<std::string_view> fields = SplitCsvFields(line);
  ASSIGN_OR_RETURN(std::vector<std::size_t> keep, path.SelectColumns(fields.size()));
  for (std::size_t i = 0; i < keep.size(); ++i) {
    if (i > 0)
      *out += ',';
    *out += fields[keep[i]];
  }
  return Status::Ok();
}

Result<json> ParseRecordJson(std::string_view text, const char* what) {
  json v = json::parse(text, nullptr, false);
  if (v.is_discarded())
    return Status::InvalidArgument(std::string(what) + " is not valid JSON");
  return v;
}

// A CSV output line as JSON: one number, or a list of them (text that is not a number stays text).
json CsvOutputJson(std::string_view line) {
  json values = json::array();
  for (std::string_view f : SplitCsvFields(line)) {
    double d = 0;
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), d);
    if (ec == std::errc() && end == f.data() + f.size())
      values.push_back(d);
    else
      values.push_back(std::string(f));
  }
  if (values.size() == 1)
    return values[0];
  return values;
}

void AppendJson(const json& v, std::string* out) {
  *out += v.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::vector<std::string_view> SplitCsvFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      quoted = !quoted;  // a doubled quote toggles twice
    } else if (c == ',' && !quoted) {
      fields.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  fields.push_back(line.substr(start));
  return fields;
}

Result<RecordProcessor> RecordProcessor::Make(MediaType content, MediaType accept,
                                              const DataProcessingSpec& spec) {
  RecordProcessor p;
  p.content_ = content;
  p.accept_ = accept;
  p.join_ = spec.join == JoinSource::kInput;
  if (p.join_ && IsCsv(content) && !IsCsv(accept)) {
    return Status::InvalidArgument(
        "DataProcessing.JoinSource: Input joins text/csv input by appending the output's columns, "
        "so TransformOutput.Accept must be text/csv (got " +
        std::string(MediaTypeName(accept)) + ")");
  }
  ASSIGN_OR_RETURN(p.input_filter_, ParseFilter("DataProcessing.InputFilter", spec.input_filter,
                                                IsCsv(content), "member names do not apply to"));
  const bool csv_out = p.join_ ? IsCsv(content) : IsCsv(accept);
  ASSIGN_OR_RETURN(p.output_filter_, ParseFilter("DataProcessing.OutputFilter", spec.output_filter,
                                                 csv_out, "member names do not apply to"));
  return p;
}

Status RecordProcessor::AppendModelInput(std::string_view record, std::string* out) const {
  if (!input_filter_.has_value()) {
    *out += record;
    return Status::Ok();
  }
  if (IsCsv(content_))
    return AppendColumns(*input_filter_, record, out);
  ASSIGN_OR_RETURN(json v, ParseRecordJson(record, "the record"));
  ASSIGN_OR_RETURN(json selected, input_filter_->Apply(v));
  AppendJson(selected, out);
  return Status::Ok();
}

Status RecordProcessor::AppendOutput(std::string_view input, std::string_view output,
                                     std::string* out) const {
  if (!join_) {
    if (!output_filter_.has_value()) {
      *out += output;
      return Status::Ok();
    }
    if (IsCsv(accept_))
      return AppendColumns(*output_filter_, output, out);
    ASSIGN_OR_RETURN(json v, ParseRecordJson(output, "the model's output"));
    ASSIGN_OR_RETURN(json selected, output_filter_->Apply(v));
    AppendJson(selected, out);
    return Status::Ok();
  }
  if (IsCsv(content_)) {
    if (!output_filter_.has_value()) {
      *out += input;
      *out += ',';
      *out += output;
      return Status::Ok();
    }
    std::string joined;
    joined.reserve(input.size() + output.size() + 1);
    joined.append(input).append(1, ',').append(output);
    return AppendColumns(*output_filter_, joined, out);
  }
  ASSIGN_OR_RETURN(json in, ParseRecordJson(input, "the record"));
  json result;
  if (IsCsv(accept_)) {
    result = CsvOutputJson(output);
  } else {
    ASSIGN_OR_RETURN(result, ParseRecordJson(output, "the model's output"));
  }
  json joined;
  if (in.is_object()) {
    joined = std::move(in);
    joined["SageMakerOutput"] = std::move(result);
  } else {
    joined = json{{"SageMakerInput", std::move(in)}, {"SageMakerOutput", std::move(result)}};
  }
  if (output_filter_.has_value()) {
    ASSIGN_OR_RETURN(json selected, output_filter_->Apply(joined));
    AppendJson(selected, out);
  } else {
    AppendJson(joined, out);
  }
  return Status::Ok();
}

}  // namespace kiln
