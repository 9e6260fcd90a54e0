#include "profile/internal/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/markup_escape.h"
#include "profile/internal/column_statistics.h"
#include "profile/internal/format.h"

namespace kiln::profile_internal {
namespace {

constexpr int kBarRowHeight = 20, kBarLabelWidth = 132, kBarValueWidth = 96;

std::string F(double v) {  // SVG coordinate
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string EdgeLabel(double v, bool datetime) {
  return datetime ? FormatIsoDatetime(v) : FormatStat(v);
}

}  // namespace

std::string HistogramSvg(const Histogram& h, const std::string& min_label,
                         const std::string& max_label, bool datetime, int width, int height) {
  const std::size_t n = h.counts.size();
  if (n == 0)
    return "";
  const double left = 6, right = width - 6, top = 16, bottom = height - 22;
  const std::size_t peak = *std::max_element(h.counts.begin(), h.counts.end());
  const double slot = (right - left) / static_cast<double>(n);
  const double bin = (h.hi - h.lo) / static_cast<double>(n);
  const bool per_integer = !datetime && bin == 1 && std::floor(h.lo + 0.5) == h.lo + 0.5;
  std::string s = "<svg class=chart role=img width=" + std::to_string(width) +
                  " height=" + std::to_string(height) + " viewBox=\"0 0 " + std::to_string(width) +
                  " " + std::to_string(height) + "\">";
  s += "<text x=" + F(left) + " y=11 class=axis>max " + HtmlEscape(FormatCount(peak)) +
       " per bin</text>";
  for (std::size_t i = 0; i < n; ++i) {
    double bh =
        peak ? (bottom - top) * static_cast<double>(h.counts[i]) / static_cast<double>(peak) : 0;
    if (h.counts[i] > 0)
      bh = std::max(bh, 1.0);
    double a = h.lo + bin * static_cast<double>(i), b = a + bin;
    std::string range = per_integer ? FormatStat(a + 0.5)
                                    : "[" + EdgeLabel(a, datetime) + ", " + EdgeLabel(b, datetime) +
                                          (i + 1 == n ? "]" : ")");
    s += "<rect x=" + F(left + slot * static_cast<double>(i) + 0.5) + " y=" + F(bottom - bh) +
         " width=" + F(std::max(slot - 1, 0.5)) + " height=" + F(bh) + "><title>" +
         HtmlEscape(range + ": " + FormatCount(h.counts[i])) + "</title></rect>";
  }
  s += "<line x1=" + F(left) + " x2=" + F(right) + " y1=" + F(bottom + 0.5) +
       " y2=" + F(bottom + 0.5) + " class=base />";
  s += "<text x=" + F(left) + " y=" + F(bottom + 15) + " class=axis>" + HtmlEscape(min_label) +
       "</text>";
  s += "<text x=" + F(right) + " y=" + F(bottom + 15) + " class=axis text-anchor=end>" +
       HtmlEscape(max_label) + "</text>";
  return s + "</svg>";
}

std::string BarChartSvg(const std::vector<ChartBar>& bars, std::size_t whole, int width) {
  if (bars.empty())
    return "";
  const int height = kBarRowHeight * static_cast<int>(bars.size()) + 4;
  const double x0 = kBarLabelWidth, span = std::max(width - kBarLabelWidth - kBarValueWidth, 40);
  std::size_t peak = 0;
  for (const ChartBar& b : bars)
    peak = std::max(peak, b.count);
  std::string s = "<svg class=chart role=img width=" + std::to_string(width) +
                  " height=" + std::to_string(height) + " viewBox=\"0 0 " + std::to_string(width) +
                  " " + std::to_string(height) + "\">";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const ChartBar& b = bars[i];
    const double y = 2 + kBarRowHeight * static_cast<double>(i);
    double w = peak ? span * static_cast<double>(b.count) / static_cast<double>(peak) : 0;
    if (b.count > 0)
      w = std::max(w, 1.0);
    std::string title = HtmlEscape(b.label + ": " + FormatCount(b.count) + " (" +
                                   FormatPercent(b.count, whole) + ")");
    s += "<g><title>" + title + "</title>";
    s += "<text x=" + F(x0 - 6) + " y=" + F(y + 14) + " text-anchor=end class=\"label" +
         std::string(b.muted ? " muted" : "") + "\">" + HtmlEscape(Truncate(b.label, 20)) +
         "</text>";
    s += "<rect x=" + F(x0) + " y=" + F(y + 3) + " width=" + F(w) + " height=14" +
         (b.muted ? " class=muted" : "") + " />";
    s += "<text x=" + F(x0 + w + 5) + " y=" + F(y + 14) + " class=axis>" +
         HtmlEscape(FormatCount(b.count) + " · " + FormatPercent(b.count, whole)) + "</text></g>";
  }
  return s + "</svg>";
}

}  // namespace kiln::profile_internal
