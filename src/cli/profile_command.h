// `kiln profile DATA.csv [--target COL] [--out DIR]`: a data-quality profile of a file.
#pragma once

#include <string>

#include "common/status.h"

namespace kiln {

struct ProfileCommandArgs {
  std::string data_path;
  std::string target;   // optional: column to analyse as the prediction target
  std::string out_dir;  // optional: where to write profile.json and profile.html
  bool overwrite = false;
};

// Reads the file (the target, when given, keeps its labels' exact spelling), prints the text
// profile to stdout and, with out_dir, writes DIR/profile.json and DIR/profile.html. DIR must be
// absent or empty unless `overwrite`. An unknown target is InvalidArgument naming it and listing
// the columns.
Status RunProfileCommand(const ProfileCommandArgs& args);

}  // namespace kiln
