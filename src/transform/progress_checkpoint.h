// ProgressCheckpoint: writes a running transform job's progress into its stored record as it goes,
// so DescribeTransformJob shows how far the job got even after the process was killed (kill -9,
// power loss): the restart then marks the job Failed and keeps that progress. Before, progress was
// stored only when the job ended.
//
// When: SaveNow() — the inputs were listed (totals known) or an object's .out was written, so the
// stored objects_done matches the outputs that exist; Tick() — a mini-batch was predicted: saved
// when `interval` has passed on the clock since the last save. A save that would store the same
// progress again is skipped. Each save is one UPDATE in its own SQLite transaction (atomic,
// durable); a failed save is ignored (the job goes on; the end of the job stores its progress).
//
// Thread-safe: a job's threads call Tick and SaveNow concurrently; saves run one at a time, and a
// Tick that finds another save under way returns at once.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "common/clock.h"
#include "common/status.h"
#include "transform/transform_progress.h"

namespace kiln {

class ProgressCheckpoint {
 public:
  using SaveFn = std::function<Status(const TransformProgress&)>;

  // `counters` and `clock` must outlive the checkpoint.
  ProgressCheckpoint(const TransformCounters& counters, const Clock& clock,
                     std::chrono::milliseconds interval, SaveFn save);

  // A mini-batch is done: saves when `interval` has passed since the last save.
  void Tick();
  // Saves now (waiting for a save under way).
  void SaveNow();

  // Saves that wrote (for tests and the log).
  int saves() const;

 private:
  void SaveLocked();  // REQUIRES(mu_)

  const TransformCounters& counters_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  const SaveFn save_;

  mutable std::mutex mu_;
  std::chrono::system_clock::time_point last_save_;  // GUARDED_BY(mu_)
  TransformProgress saved_;                          // GUARDED_BY(mu_): as last written
  int saves_ = 0;                                    // GUARDED_BY(mu_)
};

}  // namespace kiln
