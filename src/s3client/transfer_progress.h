// TransferProgress: the progress display of `kiln import` on stderr. On a terminal it redraws one
// line (bar, bytes done / total, MB/s, ETA) at most 10 times a second; otherwise it prints a plain
// line every few seconds, so logs stay readable. Bytes kept from an interrupted run count as done
// but not toward the rate.
//
// Time comes from the injected Clock, so tests drive it without sleeping. Not thread-safe; owned
// by the command.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "common/clock.h"

namespace kiln {

class TransferProgress {
 public:
  TransferProgress(std::FILE* out, bool interactive, const Clock& clock,
                   std::chrono::milliseconds plain_interval = std::chrono::seconds(5));

  // The bytes the whole transfer will move (nullopt: unknown).
  void SetTotal(std::optional<std::uint64_t> total) { total_ = total; }
  // Bytes moved in this run.
  void Add(std::uint64_t bytes);
  // Bytes that were already moved by an earlier, interrupted run.
  void AddSkipped(std::uint64_t bytes);
  // A line of its own (ends the bar line first).
  void Message(const std::string& line);
  // Draws the final state and ends the bar line.
  void Finish();

  std::uint64_t done() const { return moved_ + skipped_; }
  std::uint64_t moved() const { return moved_; }
  double ElapsedSeconds() const;
  // The text of one update, e.g. "45% 12.3 MB / 27.3 MB, 35.2 MB/s, ETA 3s".
  std::string Line() const;

 private:
  void MaybeDraw(bool force);

  std::FILE* out_;
  bool interactive_;
  const Clock& clock_;
  std::chrono::milliseconds interval_;
  std::chrono::system_clock::time_point start_;
  std::chrono::system_clock::time_point last_draw_;
  std::optional<std::uint64_t> total_;
  std::uint64_t moved_ = 0;
  std::uint64_t skipped_ = 0;
  bool bar_open_ = false;
};

// "12.3 MB" (decimal megabytes, as MB/s).
std::string FormatMegabytes(std::uint64_t bytes);
// "42s", "3m07s", "2h05m".
std::string FormatDuration(double seconds);

}  // namespace kiln
