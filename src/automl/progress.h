// Progress: the live status line of a long run: a bar with percent, elapsed time, ETA and the best
// score so far. On a terminal it redraws one line; otherwise it prints plain lines (one per
// update). Not thread-safe; owned by the command that runs the work.
#pragma once

#include <cstdio>
#include <string>

namespace kiln {

class Progress {
 public:
  // Writes to `out`; `interactive` selects the redrawn bar over plain lines.
  Progress(std::FILE* out, bool interactive) : out_(out), interactive_(interactive) {}

  // fraction in [0, 1]; seconds elapsed and estimated remaining; `status` e.g.
  // "trial 7 xgboost | best auc 0.9123 (c003)".
  void Update(double fraction, double elapsed, double eta, const std::string& status);
  // A message on its own line (ends the bar line first when interactive).
  void Message(const std::string& line);
  // Ends the bar line.
  void Finish();

 private:
  std::FILE* out_;
  bool interactive_;
  bool bar_open_ = false;
};

}  // namespace kiln
