#include "automl/report_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/markup_escape.h"

namespace kiln {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string Tick(double v) {
  char buf[32];
  double a = std::abs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-3)) {
    std::snprintf(buf, sizeof(buf), "%.2g", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.4g", v);
  }
  return buf;
}

// Round-number tick positions covering [lo, hi].
std::vector<double> Ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(hi > lo)) {
    out.push_back(lo);
    return out;
  }
  double step = std::pow(10, std::floor(std::log10((hi - lo) / target)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if ((hi - lo) / (step * m) <= target) {
      step *= m;
      break;
    }
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    out.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  }
  return out;
}

}  // namespace

std::string SvgXYChart(const std::vector<Series>& series, const std::string& x_label,
                       const std::string& y_label, int width, int height) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Series& s : series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]))
        continue;
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
    }
  }
  if (!std::isfinite(x0))
    return "<p><em>no data to plot</em></p>";
  if (x1 == x0)
    x1 = x0 + 1;
  if (y1 == y0) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  double pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const double l = 64, r = 16, t = 12, b = 44;
  const double w = width - l - r, h = height - t - b;
  auto px = [&](double x) { return l + (x - x0) / (x1 - x0) * w; };
  auto py = [&](double y) { return t + (1 - (y - y0) / (y1 - y0)) * h; };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) +
                    "\" font-family=\"sans-serif\" font-size=\"11\">";
  svg += "<rect x=\"" + Num(l) + "\" y=\"" + Num(t) + "\" width=\"" + Num(w) + "\" height=\"" +
         Num(h) + "\" fill=\"#fafafa\" stroke=\"#ccc\"/>";
  for (double v : Ticks(y0, y1, 5)) {
    svg += "<line x1=\"" + Num(l) + "\" x2=\"" + Num(l + w) + "\" y1=\"" + Num(py(v)) + "\" y2=\"" +
           Num(py(v)) + "\" stroke=\"#e6e6e6\"/><text x=\"" + Num(l - 4) + "\" y=\"" +
           Num(py(v) + 4) + "\" text-anchor=\"end\">" + Tick(v) + "</text>";
  }
  for (double v : Ticks(x0, x1, 8)) {
    svg += "<text x=\"" + Num(px(v)) + "\" y=\"" + Num(t + h + 14) + "\" text-anchor=\"middle\">" +
           Tick(v) + "</text>";
  }
  svg += "<text x=\"" + Num(l + w / 2) + "\" y=\"" + Num(height - 6.0) +
         "\" text-anchor=\"middle\">" + HtmlEscape(x_label) + "</text>";
  svg += "<text transform=\"translate(12," + Num(t + h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + HtmlEscape(y_label) + "</text>";
  double legend_y = t + 14;
  for (const Series& s : series) {
    std::string path;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]))
        continue;
      if (s.line)
        path += (path.empty() ? "M" : " L") + Num(px(s.x[i])) + " " + Num(py(s.y[i]));
      if (s.points) {
        svg += "<circle cx=\"" + Num(px(s.x[i])) + "\" cy=\"" + Num(py(s.y[i])) +
               "\" r=\"2.5\" fill=\"" + s.color + "\" fill-opacity=\"0.6\"/>";
      }
    }
    if (!path.empty()) {
      svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + s.color +
             "\" stroke-width=\"1.8\"/>";
    }
    if (!s.label.empty()) {
      svg += "<rect x=\"" + Num(l + w - 150) + "\" y=\"" + Num(legend_y - 8) +
             "\" width=\"10\" height=\"10\" fill=\"" + s.color + "\"/><text x=\"" +
             Num(l + w - 136) + "\" y=\"" + Num(legend_y + 1) + "\">" + HtmlEscape(s.label) +
             "</text>";
      legend_y += 15;
    }
  }
  return svg + "</svg>";
}

std::string SvgBarChart(const std::vector<std::string>& labels, std::span<const double> values,
                        std::span<const double> errors, const std::string& value_label, int width) {
  const int row = 18, label_w = 200, t = 8;
  const int height = t + row * static_cast<int>(labels.size()) + 30;
  double lo = 0, hi = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    double e = i < errors.size() ? errors[i] : 0;
    if (std::isfinite(values[i])) {
      lo = std::min(lo, values[i] - e);
      hi = std::max(hi, values[i] + e);
    }
  }
  if (hi == lo)
    hi = lo + 1;
  const double w = width - label_w - 60;
  auto px = [&](double v) { return label_w + (v - lo) / (hi - lo) * w; };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) +
                    "\" font-family=\"sans-serif\" font-size=\"11\">";
  for (std::size_t i = 0; i < labels.size() && i < values.size(); ++i) {
    double y = t + row * static_cast<double>(i);
    double v = std::isfinite(values[i]) ? values[i] : 0;
    double a = std::min(px(0), px(v)), z = std::max(px(0), px(v));
    svg += "<text x=\"" + Num(label_w - 6.0) + "\" y=\"" + Num(y + 12) + "\" text-anchor=\"end\">" +
           HtmlEscape(labels[i]) + "</text>";
    svg += "<rect x=\"" + Num(a) + "\" y=\"" + Num(y + 3) + "\" width=\"" +
           Num(std::max(1.0, z - a)) + "\" height=\"" + Num(row - 6.0) + "\" fill=\"#4a7bd0\"/>";
    if (i < errors.size() && errors[i] > 0) {
      svg += "<line x1=\"" + Num(px(v - errors[i])) + "\" x2=\"" + Num(px(v + errors[i])) +
             "\" y1=\"" + Num(y + row / 2.0) + "\" y2=\"" + Num(y + row / 2.0) +
             "\" stroke=\"#222\"/>";
    }
    svg +=
        "<text x=\"" + Num(z + 4) + "\" y=\"" + Num(y + 12) + "\">" + Tick(values[i]) + "</text>";
  }
  svg += "<text x=\"" + Num(label_w + w / 2) + "\" y=\"" + std::to_string(height - 6) +
         "\" text-anchor=\"middle\">" + HtmlEscape(value_label) + "</text>";
  return svg + "</svg>";
}

std::string SvgConfusionMatrix(const std::vector<std::string>& classes,
                               const std::vector<std::vector<long>>& counts) {
  const int cell = 46, l = 110, t = 60;
  const int n = static_cast<int>(classes.size());
  const int size_w = l + cell * n + 10, size_h = t + cell * n + 10;
  long mx = 1;
  for (const auto& r : counts) {
    for (long c : r)
      mx = std::max(mx, c);
  }
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(size_w) +
                    "\" height=\"" + std::to_string(size_h) +
                    "\" font-family=\"sans-serif\" font-size=\"11\">";
  svg += "<text x=\"" + std::to_string(l + cell * n / 2) +
         "\" y=\"12\" text-anchor=\"middle\">"
         "predicted</text><text transform=\"translate(12," +
         std::to_string(t + cell * n / 2) + ") rotate(-90)\" text-anchor=\"middle\">actual</text>";
  for (int i = 0; i < n; ++i) {
    svg += "<text x=\"" + std::to_string(l + cell * i + cell / 2) + "\" y=\"" +
           std::to_string(t - 6) + "\" text-anchor=\"middle\">" + HtmlEscape(classes[i]) +
           "</text><text x=\"" + std::to_string(l - 6) + "\" y=\"" +
           std::to_string(t + cell * i + cell / 2 + 4) + "\" text-anchor=\"end\">" +
           HtmlEscape(classes[i]) + "</text>";
    for (int j = 0; j < n; ++j) {
      double f = static_cast<double>(counts[i][j]) / mx;
      char color[16];
      std::snprintf(color, sizeof(color), "#%02x%02x%02x", static_cast<int>(255 - 180 * f),
                    static_cast<int>(255 - 132 * f), static_cast<int>(255 - 47 * f));
      svg += "<rect x=\"" + std::to_string(l + cell * j) + "\" y=\"" +
             std::to_string(t + cell * i) + "\" width=\"" + std::to_string(cell) + "\" height=\"" +
             std::to_string(cell) + "\" fill=\"" + color + "\" stroke=\"#fff\"/><text x=\"" +
             std::to_string(l + cell * j + cell / 2) + "\" y=\"" +
             std::to_string(t + cell * i + cell / 2 + 4) + "\" text-anchor=\"middle\" fill=\"" +
             (f > 0.6 ? "#fff" : "#222") + "\">" + std::to_string(counts[i][j]) + "</text>";
    }
  }
  return svg + "</svg>";
}

}  // namespace kiln
