// Table: an in-memory, column-oriented data set read from a file, with what inference learned about
// each column.
//
// Storage per column depends on its type:
//   numeric / integer / boolean / datetime -> `values` (one double per row, NaN = missing;
//     boolean is 0/1; datetime is seconds since the Unix epoch, UTC)
//   categorical / text                     -> `codes` (one int32 per row, index into `levels`,
//     -1 = missing); `levels` holds each distinct string once, in order of first appearance.
// A column named in ReadOptions::dictionary_columns additionally gets codes/levels whatever its
// type (used for class labels, which must keep their exact spelling, e.g. "True" or ">50K").
//
// A Table is a plain value: not thread-safe to mutate, safe to read from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "table/column_type.h"

namespace kiln {

struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<double> values;
  std::vector<std::int32_t> codes;
  std::vector<std::string> levels;

  // What inference saw (filled by the reader; kept when a schema forces the type).
  std::size_t missing = 0;   // missing cells
  std::size_t distinct = 0;  // distinct non-missing values
  bool is_id = false;        // unique on (almost) every row, e.g. encounter_id: never a feature
  bool likely_id = false;    // very high cardinality key, e.g. patient_nbr (70% distinct)
  std::string type_reason;   // why this type, e.g. "row 4: \"V57\" is not a number"

  bool HasCodes() const { return !codes.empty(); }
  bool IsMissing(std::size_t row) const;
};

struct Table {
  std::string source;  // file name, for error messages
  std::size_t num_rows = 0;
  std::vector<Column> columns;

  // Index of the column called `name`, or -1.
  int Find(const std::string& name) const;
};

}  // namespace kiln
