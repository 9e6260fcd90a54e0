#include "jobs/csv_dataset.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include "common/file_util.h"

namespace kiln {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits one line into fields (RFC 4180 quotes within the line). False on an unterminated quote.
bool SplitFields(std::string_view line, std::vector<std::string>* fields) {
  fields->clear();
  std::size_t i = 0;
  while (true) {
    std::string field;
    std::size_t j = i;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t'))
      ++j;
    if (j < line.size() && line[j] == '"') {
      ++j;
      while (true) {
        if (j >= line.size())
          return false;
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {
            field += '"', j += 2;
            continue;
          }
          ++j;
          break;
        }
        field += line[j++];
      }
      while (j < line.size() && line[j] != ',')
        ++j;  // text after the closing quote is ignored
      fields->push_back(std::move(field));
    } else {
      const std::size_t comma = line.find(',', i);
      fields->emplace_back(TrimSpaces(line.substr(i, comma - i)));
      j = comma == std::string_view::npos ? line.size() : comma;
    }
    if (j >= line.size())
      return true;
    i = j + 1;  // past the comma
  }
}

// Parses a number; NaN for an empty field. False when the text is not a number.
bool ParseValue(std::string_view text, float* out) {
  text = TrimSpaces(text);
  if (text.empty()) {
    *out = std::numeric_limits<float>::quiet_NaN();
    return true;
  }
  if (text.front() == '+')
    text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

class Reader {
 public:
  explicit Reader(const CsvLayout& layout) : layout_(layout) {
    fields_expected_ = layout.expected_fields;
    if (fields_expected_ != 0)
      fields_source_ = "the train channel";
  }

  Status ReadFile(const ChannelFile& file);
  Result<Dataset> Finish();

 private:
  std::string Where(const ChannelFile& file, std::size_t line) const {
    return "channel \"" + layout_.channel + "\", object \"" + file.uri + "\", line " +
           std::to_string(line);
  }
  std::string ColumnName(std::size_t col) const {
    std::string s = "column " + std::to_string(col + 1);
    if (col < header_.size())
      s += " (\"" + header_[col] + "\")";
    return s;
  }
  Status SetHeader(const ChannelFile& file, std::size_t line, std::vector<std::string> names);
  Status AddRow(const ChannelFile& file, std::size_t line);
  Status CheckLabel(const ChannelFile& file, std::size_t line, float y) const;

  const CsvLayout& layout_;
  std::vector<std::string> header_;
  std::vector<std::string> row_;  // the fields of the current line
  std::size_t fields_expected_ = 0;
  std::string fields_source_;  // where the expected field count came from
  int label_index_ = -1;       // -1: no label
  std::vector<float> values_;
  std::vector<float> labels_;
  std::size_t rows_ = 0;
  std::size_t files_with_rows_ = 0;
};

Status Reader::SetHeader(const ChannelFile& file, std::size_t line,
                         std::vector<std::string> names) {
  const std::string where = Where(file, line);
  if (!layout_.expected_header.empty() && names != layout_.expected_header) {
    return Status::InvalidArgument(where + ": the header differs from the train channel's header");
  }
  if (!header_.empty() && names != header_) {
    return Status::InvalidArgument(where + ": the header differs from the first file's header");
  }
  if (header_.empty()) {
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (names[c] == layout_.target)
        label_index_ = static_cast<int>(c);
    }
    if (!layout_.target.empty() && label_index_ < 0) {
      return Status::InvalidArgument(where + ": the target column \"" + layout_.target +
                                     "\" (hyperparameter target) is not in the header");
    }
    header_ = std::move(names);
    fields_expected_ = header_.size();
    fields_source_ = "the header";
  }
  return Status::Ok();
}

Status Reader::CheckLabel(const ChannelFile& file, std::size_t line, float y) const {
  const std::string where = Where(file, line) + ", " + ColumnName(label_index_) + ": label ";
  if (!std::isfinite(y))
    return Status::InvalidArgument(where + "is missing or not finite");
  if (layout_.label_rule == LabelRule::kValue)
    return Status::Ok();
  const bool integral = y == std::floor(y) && y >= 0;
  if (layout_.label_rule == LabelRule::kClassIndex && (!integral || y >= layout_.num_classes)) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, y);
    return Status::InvalidArgument(where + std::string(buf, end) + " is not a class index in 0.." +
                                   std::to_string(layout_.num_classes - 1));
  }
  if (layout_.label_rule == LabelRule::kAnyClass && (!integral || y >= 1e6)) {
    return Status::InvalidArgument(where + "must be a class index (an integer ≥ 0)");
  }
  return Status::Ok();
}

Status Reader::AddRow(const ChannelFile& file, std::size_t line) {
  if (fields_expected_ == 0) {
    fields_expected_ = row_.size();
    fields_source_ = "line " + std::to_string(line) + " of \"" + file.uri + "\"";
  }
  if (row_.size() != fields_expected_) {
    return Status::InvalidArgument(Where(file, line) + ": " + std::to_string(row_.size()) +
                                   " fields, expected " + std::to_string(fields_expected_) +
                                   " (as in " + fields_source_ + ")");
  }
  if (label_index_ >= 0 && static_cast<std::size_t>(label_index_) >= row_.size()) {
    return Status::InvalidArgument(Where(file, line) + ": no label column");
  }
  for (std::size_t c = 0; c < row_.size(); ++c) {
    const bool is_label = static_cast<int>(c) == label_index_;
    if (is_label && layout_.label_rule == LabelRule::kNone)
      continue;  // an unsupervised channel's label_size=1 column is dropped
    float v = 0;
    if (!ParseValue(row_[c], &v)) {
      return Status::InvalidArgument(Where(file, line) + ", " + ColumnName(c) + ": \"" + row_[c] +
                                     "\" is not a number");
    }
    if (std::isinf(v)) {
      return Status::InvalidArgument(Where(file, line) + ", " + ColumnName(c) + ": \"" + row_[c] +
                                     "\" is not a finite number");
    }
    if (is_label) {
      RETURN_IF_ERROR(CheckLabel(file, line, v));
      labels_.push_back(v);
    } else {
      values_.push_back(v);
    }
  }
  ++rows_;
  return Status::Ok();
}

Status Reader::ReadFile(const ChannelFile& file) {
  ASSIGN_OR_RETURN(std::string text, kiln::ReadFile(file.path));
  std::string_view rest = text;
  if (rest.starts_with("\xEF\xBB\xBF"))
    rest.remove_prefix(3);
  if (layout_.label_rule != LabelRule::kNone && layout_.target.empty())
    label_index_ = 0;
  if (layout_.label_rule == LabelRule::kNone && layout_.label_columns == 1)
    label_index_ = 0;  // dropped below: unsupervised with label_size=1
  const bool header_row = !layout_.target.empty() || layout_.header_present;
  bool first = true;
  const std::size_t rows_before = rows_;
  for (std::size_t line_no = 1; !rest.empty(); ++line_no) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (TrimSpaces(line).empty())
      continue;
    if (!SplitFields(line, &row_)) {
      return Status::InvalidArgument(Where(file, line_no) + ": a quoted field is not closed");
    }
    if (first && header_row) {
      first = false;
      RETURN_IF_ERROR(SetHeader(file, line_no, row_));
      continue;
    }
    first = false;
    RETURN_IF_ERROR(AddRow(file, line_no));
  }
  if (rows_ > rows_before)
    ++files_with_rows_;
  return Status::Ok();
}

Result<Dataset> Reader::Finish() {
  if (rows_ == 0) {
    return Status::InvalidArgument("channel \"" + layout_.channel +
                                   "\": no data rows in its objects");
  }
  Dataset d;
  d.fields = fields_expected_;
  d.files = files_with_rows_;
  d.header = header_;
  const std::size_t label_cols = label_index_ >= 0 ? 1 : 0;
  if (d.fields <= label_cols) {
    return Status::InvalidArgument("channel \"" + layout_.channel +
                                   "\": the rows hold a label but no feature columns");
  }
  d.x.rows = rows_;
  d.x.cols = d.fields - label_cols;
  d.x.values = std::move(values_);
  if (layout_.label_rule != LabelRule::kNone)
    d.y = std::move(labels_);
  for (std::size_t c = 0; c < d.fields; ++c) {
    if (static_cast<int>(c) == label_index_)
      continue;
    d.feature_names.push_back(c < header_.size() && !header_[c].empty()
                                  ? header_[c]
                                  : "f" + std::to_string(d.feature_names.size()));
  }
  return d;
}

}  // namespace

Result<Dataset> ReadCsvChannel(const std::vector<ChannelFile>& files, const CsvLayout& layout) {
  Reader reader(layout);
  for (const ChannelFile& f : files)
    RETURN_IF_ERROR(reader.ReadFile(f));
  return reader.Finish();
}

}  // namespace kiln
