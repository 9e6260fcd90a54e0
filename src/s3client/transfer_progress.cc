// The progress bar / progress lines of a transfer (see transfer_progress.h). Not thread-safe.
#include "s3client/transfer_progress.h"

#include <algorithm>
#include <cmath>

namespace kiln {

std::string FormatMegabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

std::string FormatDuration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof(buf), "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof(buf), "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof(buf), "%lds", s);
  return buf;
}

TransferProgress::TransferProgress(std::FILE* out, bool interactive, const Clock& clock,
                                   std::chrono::milliseconds plain_interval)
    : out_(out),
      interactive_(interactive),
      clock_(clock),
      interval_(interactive ? std::chrono::milliseconds(100) : plain_interval),
      start_(clock.Now()),
      last_draw_(start_) {}

double TransferProgress::ElapsedSeconds() const {
  return std::chrono::duration<double>(clock_.Now() - start_).count();
}

std::string TransferProgress::Line() const {
  const double elapsed = ElapsedSeconds();
  const double rate = elapsed > 0 ? static_cast<double>(moved_) / elapsed : 0;
  char rate_text[32];
  std::snprintf(rate_text, sizeof(rate_text), "%.1f MB/s", rate / 1e6);
  std::string line;
  if (total_ && *total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done()) / *total_);
    line = std::to_string(static_cast<int>(fraction * 100)) + "% " + FormatMegabytes(done()) +
           " / " + FormatMegabytes(*total_) + ", " + rate_text;
    if (rate > 0 && done() < *total_)
      line += ", ETA " + FormatDuration(static_cast<double>(*total_ - done()) / rate);
  } else {
    line = FormatMegabytes(done()) + ", " + rate_text;
  }
  return line;
}

void TransferProgress::Add(std::uint64_t bytes) {
  moved_ += bytes;
  MaybeDraw(false);
}

void TransferProgress::AddSkipped(std::uint64_t bytes) {
  skipped_ += bytes;
  MaybeDraw(false);
}

void TransferProgress::MaybeDraw(bool force) {
  const auto now = clock_.Now();
  if (!force && now - last_draw_ < interval_)
    return;
  last_draw_ = now;
  if (interactive_) {
    constexpr int kWidth = 28;
    int fill = 0;
    if (total_ && *total_ > 0)
      fill = static_cast<int>(std::min(1.0, static_cast<double>(done()) / *total_) * kWidth);
    std::string bar(static_cast<std::size_t>(fill), '#');
    bar.append(static_cast<std::size_t>(kWidth - fill), '.');
    std::fprintf(out_, "\r\033[K[%s] %s", bar.c_str(), Line().c_str());
    bar_open_ = true;
  } else {
    std::fprintf(out_, "progress %s\n", Line().c_str());
  }
  std::fflush(out_);
}

void TransferProgress::Message(const std::string& line) {
  if (bar_open_) {
    std::fputc('\n', out_);
    bar_open_ = false;
  }
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void TransferProgress::Finish() {
  if (interactive_)
    MaybeDraw(true);
  if (bar_open_) {
    std::fputc('\n', out_);
    bar_open_ = false;
  }
  std::fflush(out_);
}

}  // namespace kiln
