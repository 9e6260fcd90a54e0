// Inference request bodies: the media types an endpoint speaks and parsing a body into rows of
// float features (research note §3.2), the contract documented in docs/api.md, for models whose
// inputs are all numbers (XGBoost files, model.kiln over numeric columns). Models that read
// categorical, datetime or text columns take the same bodies as text fields (request_fields.h):
//
//   text/csv                one row per line, features only (no label, no header), comma-separated;
//                           an empty field is a missing value (NaN); CRLF and a trailing newline
//                           are fine; blank lines are skipped; a quoted field is refused (features
//                           are numbers, never text)
//   application/json        {"instances": [{"features": [...]}, ...]}, {"instances": [[...], ...]},
//                           {"features": [...]}, [[...], ...] or [...]; SageMaker's
//                           {"data": {"features": {"values": [...]}}} instance form too; null is a
//                           missing value
//   application/jsonlines   one JSON row per line, each [...] or {"features": [...]}
//
// Every row must hold exactly the model's number of features. Errors are InvalidArgument naming
// the place: `line 3, column 2: "abc" is not a number`, `instance 2: 3 values, the model takes 4
// features`. JSON is read with simdjson On-Demand (serve/internal/json_rows.h), no DOM built.
// Thread-safety: pure functions; a JsonParser belongs to one thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "learn/matrix.h"
#include "serve/internal/json_rows.h"

namespace kiln {

enum class MediaType { kCsv, kJson, kJsonLines };

// "text/csv", "application/json", "application/jsonlines".
const char* MediaTypeName(MediaType type);

// The media type of a Content-Type header, parameters and case ignored ("text/csv;
// charset=utf-8"); an empty one is text/csv. nullopt when it is not one of the three above
// (application/jsonl and application/x-jsonlines are accepted for JSON Lines).
std::optional<MediaType> ParseContentType(std::string_view content_type);

// The response type for an Accept header: the first supported entry of its list, with "*/*" (or no
// header) meaning the request's own type. nullopt when no entry is supported.
std::optional<MediaType> NegotiateAccept(std::string_view accept, MediaType request);

// The rows of `body`, each of `num_features` values (see the header comment).
Result<Matrix> ParseRows(MediaType type, std::string_view body, std::size_t num_features);
// What reads JSON bodies (simdjson's parser, and a padded copy of bodies that have no padding after
// them), kept per thread and reused, so a warmed-up JSON request allocates nothing.
using JsonParser = serve_internal::JsonRowReader;

// The same into `out`, reusing its storage and `json`'s (the serving hot path keeps one of each
// per thread, so a request allocates no rows once it has warmed up). `body_padding`: readable
// bytes after `body` in its buffer (JsonRowOptions::padding): with 64 a JSON body is read in
// place, not copied. On error `out` holds a partial parse.
Status ParseRowsInto(MediaType type, std::string_view body, std::size_t num_features, Matrix* out,
                     JsonParser* json, std::size_t body_padding = 0);
// As above with a JsonParser made for the call (a JSON body then allocates the parser's buffers).
Status ParseRowsInto(MediaType type, std::string_view body, std::size_t num_features, Matrix* out);

}  // namespace kiln
