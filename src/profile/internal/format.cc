#include "profile/internal/format.h"

#include <cmath>
#include <cstdio>

namespace kiln::profile_internal {

std::string FormatCount(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatStat(double v) {
  if (!std::isfinite(v))
    return "-";
  if (v == 0)
    return "0";
  char buf[64];
  double a = std::fabs(v);
  if (v == std::floor(v) && a < 1e15) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else if (a >= 1000) {
    std::snprintf(buf, sizeof(buf), "%.1f", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.4g", v);
  }
  return buf;
}

std::string FormatPercent(std::size_t part, std::size_t whole) {
  if (whole == 0)
    return "0%";
  double pct = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  char buf[32];
  if (part == 0) {
    return "0%";
  } else if (pct < 0.1) {
    return "<0.1%";
  } else if (part < whole && pct > 99.9) {
    return ">99.9%";
  }
  std::snprintf(buf, sizeof(buf), "%.1f%%", pct);
  return buf;
}

std::string FormatBytes(std::size_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::size_t DisplayWidth(const std::string& s) {
  std::size_t n = 0;
  for (char c : s)
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Truncate(const std::string& s, std::size_t width) {
  if (width == 0)
    return "";
  if (DisplayWidth(s) <= width)
    return s;
  std::string out;
  std::size_t n = 0;
  for (char c : s) {
    bool starts = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts && ++n > width - 1)
      break;
    out += c;
  }
  return out + "…";
}

std::string Pad(const std::string& s, std::size_t width, bool right) {
  std::size_t w = DisplayWidth(s);
  if (w >= width)
    return s;
  std::string fill(width - w, ' ');
  return right ? fill + s : s + fill;
}

}  // namespace kiln::profile_internal
