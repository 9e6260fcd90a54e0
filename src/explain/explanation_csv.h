// Writing an Explanation as CSV, the contract of `kiln explain` (docs/formats/explain-csv.md):
// one row per input row, in order; binary and regression: one column per model input column, then
// `bias`; multiclass: one such block per class, columns `<class>:<column>` and `<class>:bias`
// (class spelled as in the training file). Numbers in shortest round-trip form; fields quoted per
// RFC 4180 when needed.
#pragma once

#include <string>

#include "explain/explanation.h"
#include "model/kiln_model.h"

namespace kiln {

// Renders `e`, which ExplainModel computed for `model`.
std::string RenderExplanationCsv(const KilnModel& model, const Explanation& e);

}  // namespace kiln
