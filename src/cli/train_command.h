// `kiln train --algorithm NAME [--target COL] TRAIN.csv [--validation VAL.csv] [--hp K=V ...]
//  --out DIR`: one learner with given hyperparameters, no search.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "learn/task.h"

namespace kiln {

struct TrainCommandArgs {
  std::string algorithm;
  std::string target;
  std::string train_path;
  std::string validation_path;               // empty = none
  std::vector<std::string> hyperparameters;  // NAME=VALUE
  std::optional<Task> problem_type;
  std::string out_dir;
  bool overwrite = false;
  std::uint64_t seed = 0;
  std::string command_line;
};

Status RunTrainCommand(const TrainCommandArgs& args);

}  // namespace kiln
