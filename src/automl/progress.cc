#include "automl/progress.h"

#include <algorithm>
#include <cmath>

namespace kiln {
namespace {

std::string Seconds(double s) {
  char buf[32];
  if (s >= 60) {
    std::snprintf(buf, sizeof(buf), "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0fs", std::max(0.0, s));
  }
  return buf;
}

}  // namespace

void Progress::Update(double fraction, double elapsed, double eta, const std::string& status) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  int pct = static_cast<int>(std::floor(fraction * 100));
  if (interactive_) {
    constexpr int kWidth = 24;
    int fill = static_cast<int>(fraction * kWidth);
    std::string bar(fill, '#');
    bar.append(kWidth - fill, '.');
    std::fprintf(out_, "\r\033[K[%s] %3d%% %s elapsed, ETA %s | %s", bar.c_str(), pct,
                 Seconds(elapsed).c_str(), Seconds(eta).c_str(), status.c_str());
    bar_open_ = true;
  } else {
    std::fprintf(out_, "progress %3d%% elapsed %s eta %s | %s\n", pct, Seconds(elapsed).c_str(),
                 Seconds(eta).c_str(), status.c_str());
  }
  std::fflush(out_);
}

void Progress::Message(const std::string& line) {
  Finish();
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void Progress::Finish() {
  if (bar_open_) {
    std::fputc('\n', out_);
    bar_open_ = false;
    std::fflush(out_);
  }
}

}  // namespace kiln
