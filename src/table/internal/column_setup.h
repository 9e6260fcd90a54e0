// ColumnSetup: what the reader knows about a column before reading any value: its name, a type
// forced by ReadOptions::schema, whether it needs dictionary codes, and what its name suggests (an
// id/code column, a key). Built once per file; immutable and shared by parser threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "table/column_type.h"
#include "table/read_options.h"

namespace kiln::table_internal {

struct ColumnSetup {
  std::string name;
  bool forced = false;  // type comes from the schema
  ColumnType forced_type = ColumnType::kNumeric;
  bool dictionary = false;      // named in ReadOptions::dictionary_columns
  bool code_like_name = false;  // last name token is "id" or "code": small integer codes are labels
  bool key_like_name = false;   // a name token such as id, nbr, number, key, uuid: a likely key
};

std::vector<ColumnSetup> MakeColumnSetups(const std::vector<std::string>& names,
                                          const ReadOptions& options);

// Lower-case name tokens, split at non-alphanumerics and camelCase boundaries:
// "patient_nbr" -> {patient, nbr}, "admissionTypeID" -> {admission, type, id}.
std::vector<std::string> NameTokens(std::string_view name);

}  // namespace kiln::table_internal
