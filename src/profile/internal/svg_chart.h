// Small inline SVG charts for profile.html: a histogram and a horizontal bar chart. Every string is
// escaped; the charts need no script, font or external resource. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "profile/data_profile.h"

namespace kiln::profile_internal {

// Bars for h.counts; `min_label`/`max_label` go under the left and right ends, `datetime` makes the
// hover titles ISO dates.
std::string HistogramSvg(const Histogram& h, const std::string& min_label,
                         const std::string& max_label, bool datetime, int width = 340,
                         int height = 132);

struct ChartBar {
  std::string label;
  std::size_t count = 0;
  bool muted = false;  // drawn grey (e.g. "other values", "missing")
};

// One labelled horizontal bar per entry, with count and share of `whole`; `width` in pixels.
std::string BarChartSvg(const std::vector<ChartBar>& bars, std::size_t whole, int width = 360);

}  // namespace kiln::profile_internal
