// Writing predictions as CSV, the contract of `kiln predict`:
//   classification -> predicted_label, probability_<class> for every class (class spelled as in the
//                     training file); regression -> prediction.
// One row per input row, in order; numbers in shortest round-trip form; fields quoted per RFC 4180
// when needed. With an id column its values come first.
#pragma once

#include <string>

#include "common/status.h"
#include "model/kiln_model.h"
#include "table/table.h"

namespace kiln {

// The cell's text as it would be written back to CSV ("" when missing).
std::string CellText(const Column& column, std::size_t row);

// Renders the predictions; `id_column` may be null.
std::string RenderPredictionsCsv(const KilnModel& model, const Predictions& pred,
                                 const Column* id_column);

}  // namespace kiln
