// ReadOptions: how to read a tabular file (CSV or JSON Lines) into a Table.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "table/column_type.h"

namespace kiln {

// A column's name and type, as recorded at training time.
struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
};

enum class FileFormat { kAuto, kCsv, kJsonLines };

struct ReadOptions {
  // kAuto: ".jsonl"/".ndjson" (optionally ".gz") are JSON Lines, everything else CSV.
  FileFormat format = FileFormat::kAuto;
  // CSV delimiter; 0 = detect among ',', ';' and tab from the header and first lines.
  char delimiter = 0;
  // A cell equal to one of these is missing. The empty cell is always missing.
  std::vector<std::string> na_values;
  // Parser threads; 0 = one per hardware thread.
  int num_threads = 0;
  // When non-empty, columns named here take the given type instead of an inferred one, and a value
  // that does not fit is an error naming file, line, column and value. Columns not named are
  // inferred.
  std::vector<ColumnSchema> schema;
  // Columns that also get dictionary codes/levels whatever their type (see Table).
  std::vector<std::string> dictionary_columns;

  Status Validate() const;
};

}  // namespace kiln
