// `kiln predict MODEL DATA.csv --out PRED.csv [--id-column COL]`.
#pragma once

#include <string>

#include "common/status.h"

namespace kiln {

struct PredictCommandArgs {
  std::string model_path;
  std::string data_path;
  std::string out_path;
  std::string id_column;  // empty = none
};

Status RunPredictCommand(const PredictCommandArgs& args);

}  // namespace kiln
