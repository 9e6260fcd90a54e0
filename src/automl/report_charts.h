// Small, dependency-free SVG charts for the self-contained HTML reports (they work offline).
// Pure functions; thread-safe. All text is escaped.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace kiln {

struct Series {
  std::string label;
  std::vector<double> x, y;
  std::string color = "#4a7bd0";
  bool line = true;     // connect points
  bool points = false;  // draw dots
};

// An x/y chart with axes, ticks and a legend.
std::string SvgXYChart(const std::vector<Series>& series, const std::string& x_label,
                       const std::string& y_label, int width = 640, int height = 320);

// Horizontal bars (e.g. feature importance or a leaderboard), with optional error bars.
std::string SvgBarChart(const std::vector<std::string>& labels, std::span<const double> values,
                        std::span<const double> errors, const std::string& value_label,
                        int width = 640);

// A confusion matrix (rows: actual, columns: predicted) as a shaded grid with counts.
std::string SvgConfusionMatrix(const std::vector<std::string>& classes,
                               const std::vector<std::vector<long>>& counts);

}  // namespace kiln
