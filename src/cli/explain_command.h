// `kiln explain MODEL DATA.csv --out SHAP.csv`: per input column SHAP values of the model that
// `kiln predict` runs (the whole ensemble), in margin space; see docs/formats/explain-csv.md.
#pragma once

#include <string>

#include "common/status.h"

namespace kiln {

struct ExplainCommandArgs {
  std::string model_path;
  std::string data_path;
  std::string out_path;
};

// Loads the model, reads the data with the model's input schema forced (a missing feature column
// is InvalidArgument naming it), explains every row and writes the CSV atomically. Unimplemented
// when an ensemble member's algorithm cannot explain itself.
Status RunExplainCommand(const ExplainCommandArgs& args);

}  // namespace kiln
