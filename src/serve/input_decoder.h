// DecodeFields: request fields (request_fields.h) read as a model.kiln's input columns, by the
// rules `kiln predict` reads a file with the model's schema (table/cell_value.h): a number-like
// column's field must be a number, an integer, a boolean (true/false/yes/no) or a date
// (YYYY-MM-DD[ HH:MM[:SS]]) as its training type says, blanks around it allowed; an empty field
// is missing; categorical and text fields are taken as they are (no trimming: " Private" is not
// "Private", as in a CSV file). A field that does not fit is the client's error.
//
// Thread-safety: a pure function; `rows` belongs to the calling thread.
#pragma once

#include "common/status.h"
#include "infer/input_rows.h"
#include "serve/request_fields.h"

namespace kiln {

// Decodes every row of `fields` (fields.cols == layout.num_request_columns) into `rows`, reusing
// its storage; the texts view `fields`' buffers. InvalidArgument naming row, column and value:
// `line 3, column 1 ("age"): "abc" is not a number`, with a hint on line 1 of a CSV body that a
// header row is not sent.
Status DecodeFields(const InputLayout& layout, const FieldRows& fields, InputRows* rows);

}  // namespace kiln
