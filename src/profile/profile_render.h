// Renderings of a DataProfile: a terminal table, profile.json and a self-contained profile.html.
//
// profile.json ("format": "kiln-profile", "version": 1):
//   source, rows, column_count, missing_cells, duplicate_rows, memory_bytes, column_types {type:
//   n}, columns[]: name, type, type_reason, missing, missing_share, distinct, is_id, likely_id,
//     memory_bytes, and by type: numeric {count, min, max, mean, std, skew, p5, p25, median, p75,
//     p95, zeros, negatives, histogram {edges[n+1], counts[n]}}; datetime {min, max, median (ISO
//     text), histogram (edges in epoch seconds)}; top_values [{value, count, share of non-missing}]
//     and other_count; text_length {min, mean, max}.
//   target (null without --target): column, missing, problem_type (binary/multiclass/regression, or
//     null with "error"), reason, classes [{value, count, share}] or distribution (as numeric).
//   warnings[]: severity (high/medium/low), kind, column (null for the dataset), message.
// Undefined statistics (NaN) are null. Thread-safe: pure functions.
#pragma once

#include <string>

#include "profile/data_profile.h"

namespace kiln {

// A fixed-width text summary for the terminal: dataset facts, one line per column, the target
// analysis and the warnings.
std::string RenderProfileText(const DataProfile& profile);

// profile.json: every field of the profile; NaN statistics are null.
std::string RenderProfileJson(const DataProfile& profile);

// profile.html: one self-contained page (inline CSS and SVG charts, no scripts or external
// resources) with the summary, the warnings, the target section and one card per column. All
// strings from the data are HTML-escaped.
std::string RenderProfileHtml(const DataProfile& profile);

}  // namespace kiln
