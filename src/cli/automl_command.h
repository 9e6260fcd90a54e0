// `kiln automl TRAIN.csv --target COL --out DIR ...`: the whole AutoML run from the command line.
#pragma once

#include <string>

#include "automl/automl_options.h"
#include "common/status.h"

namespace kiln {

struct AutomlCommandArgs {
  std::string train_path;
  std::string out_dir;
  bool overwrite = false;
  std::string command_line;  // for provenance
  AutoMLOptions options;
};

// Runs AutoML and writes DIR/model.kiln, leaderboard.csv, report.json, report.html.
Status RunAutomlCommand(const AutomlCommandArgs& args);

}  // namespace kiln
