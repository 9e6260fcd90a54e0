// AutoMLOptions: what `kiln automl` was asked to do.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "learn/metrics.h"
#include "learn/task.h"

namespace kiln {

struct AutoMLOptions {
  std::string target;                // column to predict
  double time_limit_seconds = 120;   // hard cap on the whole run (ends ≤ 5% after it)
  int max_trials = 0;                // stop after this many candidates; 0 = no limit
  std::uint64_t seed = 0;            // drives folds, search and learners
  std::optional<Task> problem_type;  // overrides inference
  std::optional<Metric> metric;      // overrides the task's default metric
  int num_threads = 0;               // 0 = hardware concurrency
  // When the clock started (the process start), so reading the data counts against the limit.
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  Status Validate() const;
};

}  // namespace kiln
