// Reading a training channel's CSV files into a numeric Matrix and labels.
//
// Two layouts: SageMaker's (no header, the label in the first column, `label_columns` = 1; none
// for unsupervised algorithms) and Kiln's (a header row in every file and the label in the column
// named `target`). Every value must be a number; an empty field is a missing feature (NaN), never
// a missing label. Files are read in the order given (the service sorts them by key), blank lines
// are skipped, RFC 4180 quotes are understood within a line, CRLF and a UTF-8 BOM are accepted.
// Errors are InvalidArgument naming the object, line and column:
//   channel "train", object "s3://data/train/part-1.csv", line 7, column 3: "abc" is not a number
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/training_plan.h"
#include "learn/matrix.h"

namespace kiln {

// One downloaded object: where it is on disk and what to call it in messages.
struct ChannelFile {
  std::string path;
  std::string uri;  // s3://bucket/key
};

struct CsvLayout {
  std::string channel;  // "train", "validation", "test"
  LabelRule label_rule = LabelRule::kValue;
  int num_classes = 0;          // for kClassIndex
  std::string target;           // non-empty: every file has a header and this column is the label
  bool header_present = false;  // (no target) skip each file's first line
  int label_columns = 1;        // (no target) leading label columns: 0 or 1
  // Non-empty: the header every file must have (validation and test repeat train's).
  std::vector<std::string> expected_header;
  std::size_t expected_fields = 0;  // non-zero: fields every row must have
};

struct Dataset {
  Matrix x;                                // features, NaN = missing
  std::vector<float> y;                    // labels (empty for kNone)
  std::vector<std::string> feature_names;  // from the header, or f0, f1, ...
  std::vector<std::string> header;         // every column as in the file (header mode)
  std::size_t fields = 0;                  // fields per row, label included
  std::size_t files = 0;                   // files that held at least one row
};

// Reads `files` as described above. InvalidArgument when a row is malformed or no file holds a
// data row.
Result<Dataset> ReadCsvChannel(const std::vector<ChannelFile>& files, const CsvLayout& layout);

}  // namespace kiln
