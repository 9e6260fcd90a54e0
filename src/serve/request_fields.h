// Request bodies as rows of text fields, for models whose inputs include categorical, datetime or
// text columns (a model.kiln from `kiln automl`): the field path beside request_payload.h's rows
// of floats. Same media types and row shapes as request_payload.h, with strings allowed:
//
//   text/csv                RFC 4180: one record per line, comma-separated; a field may be quoted
//                           ("Doctorate, PhD"), a quoted field may hold commas, line breaks and
//                           doubled quotes (""); a quote inside an unquoted field is literal; an
//                           empty field is missing; CRLF, a BOM, blank lines and a trailing
//                           newline are fine
//   application/json        the shapes of request_payload.h; a value is a number, a string, true,
//                           false or null (missing); a flat array of such values is one row
//   application/jsonlines   one JSON row per line
//
// Fields are views, not copies, into the body: CSV fields (a quoted field with doubled quotes is
// unquoted into FieldRows::scratch, reserved once per request at the body's size, so it never
// moves while views point into it); JSON strings (one with escapes, \n \" \u00e9, is unescaped
// into scratch); JSON numbers as their text as sent, so `1.0` stays "1.0" and `1e3` "1e3" (a
// categorical level "1.0" from a training CSV still matches; number columns decode the text as
// `kiln predict` reads a CSV cell); true and false as "true" and "false" (a boolean column
// reads them as a CSV's True/False; a categorical column's levels are the training file's text,
// so send a string such as "True" to match one). FieldRows is reused per thread: after warm-up a
// request allocates nothing. Decoding the fields into a model's column types is the predictor's
// (Predictor::DecodeFields). Errors are InvalidArgument naming the place, as request_payload.h's.
//
// Thread-safety: pure functions; a FieldRows belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "serve/request_payload.h"

namespace kiln {

struct FieldRows {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::string_view> fields;  // rows * cols, row-major; empty = missing
  std::vector<std::uint32_t> number;     // per row: its line (CSV, JSON Lines) or instance (JSON)
  bool instances = false;                // JSON: "instance N, feature M"; else "line N, column M"
  bool csv = false;
  std::string scratch;                 // unquoted CSV fields, unescaped JSON strings
  serve_internal::JsonRowReader json;  // reads JSON bodies; its buffers are reused

  std::string_view at(std::size_t row, std::size_t col) const { return fields[row * cols + col]; }
  // "line 3, column 2" or "instance 2, feature 2" (col counts from 0).
  std::string Where(std::size_t row, std::size_t col) const;
};

// Parses `body` into `out` (reusing its storage): rows of exactly `num_fields` fields.
// `body_padding`: readable bytes after `body` in its buffer (request_payload.h's ParseRowsInto).
Status ParseFieldsInto(MediaType type, std::string_view body, std::size_t num_fields,
                       FieldRows* out, std::size_t body_padding = 0);

}  // namespace kiln
