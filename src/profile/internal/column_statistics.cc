#include "profile/internal/column_statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>

namespace kiln::profile_internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Linear interpolation between order statistics (numpy's default, R type 7).
double Quantile(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  auto i = static_cast<std::size_t>(pos);
  double frac = pos - static_cast<double>(i);
  if (i + 1 >= sorted.size())
    return sorted.back();
  return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

Histogram MakeHistogram(const std::vector<double>& sorted, bool integer, int bins) {
  Histogram h;
  double lo = sorted.front(), hi = sorted.back();
  if (!std::isfinite(lo) || !std::isfinite(hi))
    return h;
  std::size_t nb = static_cast<std::size_t>(bins);
  if (integer && hi - lo + 1 <= static_cast<double>(bins)) {
    nb = static_cast<std::size_t>(hi - lo) + 1;
    h.lo = lo - 0.5;
    h.hi = hi + 0.5;
  } else if (lo == hi) {
    nb = 1;
    h.lo = lo;
    h.hi = hi;
  } else {
    h.lo = lo;
    h.hi = hi;
  }
  h.counts.assign(nb, 0);
  double width = (h.hi - h.lo) / static_cast<double>(nb);
  for (double v : sorted) {
    std::size_t b = width > 0 ? static_cast<std::size_t>((v - h.lo) / width) : 0;
    ++h.counts[std::min(b, nb - 1)];
  }
  return h;
}

std::size_t CodePoints(const std::string& s) {
  std::size_t n = 0;
  for (char c : s)
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Howard Hinnant's civil_from_days: days since 1970-01-01 to (year, month, day).
void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

NumericSummary Summarize(const std::vector<double>& values, bool integer, int bins,
                         std::size_t* distinct) {
  NumericSummary s;
  std::vector<double> v;
  v.reserve(values.size());
  for (double x : values) {
    if (std::isnan(x))
      continue;
    v.push_back(x);
    s.zeros += x == 0;
    s.negatives += x < 0;
  }
  s.count = v.size();
  *distinct = 0;
  if (v.empty()) {
    s.min = s.max = s.mean = s.std = s.skew = kNaN;
    s.p5 = s.p25 = s.median = s.p75 = s.p95 = kNaN;
    return s;
  }
  std::sort(v.begin(), v.end());
  *distinct = 1;
  for (std::size_t i = 1; i < v.size(); ++i)
    *distinct += v[i] != v[i - 1];
  const double n = static_cast<double>(v.size());
  s.min = v.front();
  s.max = v.back();
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double m2 = 0, m3 = 0;
  for (double x : v) {
    double d = x - s.mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  s.std = v.size() >= 2 ? std::sqrt(m2 / (n - 1)) : kNaN;
  if (v.size() < 3) {
    s.skew = kNaN;
  } else if (m2 <= 0) {
    s.skew = 0;
  } else {
    double g1 = (m3 / n) / std::pow(m2 / n, 1.5);
    s.skew = g1 * std::sqrt(n * (n - 1)) / (n - 2);
  }
  s.p5 = Quantile(v, 0.05);
  s.p25 = Quantile(v, 0.25);
  s.median = Quantile(v, 0.5);
  s.p75 = Quantile(v, 0.75);
  s.p95 = Quantile(v, 0.95);
  s.histogram = MakeHistogram(v, integer, bins);
  return s;
}

// The `k` most frequent codes, most frequent first, ties by code (first appearance).
std::vector<std::size_t> TopCodes(const std::vector<std::size_t>& counts, std::size_t k) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0)
      order.push_back(i);
  }
  auto by_count = [&](std::size_t a, std::size_t b) {
    return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
  };
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    by_count);
  order.resize(k);
  return order;
}

}  // namespace

NumericSummary SummarizeNumbers(const std::vector<double>& values, bool integer, int bins) {
  std::size_t distinct = 0;
  return Summarize(values, integer, bins, &distinct);
}

std::vector<std::size_t> CountCodes(const Column& column) {
  std::vector<std::size_t> counts(column.levels.size(), 0);
  for (std::int32_t c : column.codes) {
    if (c >= 0 && static_cast<std::size_t>(c) < counts.size())
      ++counts[static_cast<std::size_t>(c)];
  }
  return counts;
}

std::string FormatIsoDatetime(double seconds) {
  if (!std::isfinite(seconds))
    return "";
  double day_floor = std::floor(seconds / 86400.0);
  auto days = static_cast<std::int64_t>(day_floor);
  auto rest = static_cast<std::int64_t>(std::floor(seconds - day_floor * 86400.0));
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  if (rest == 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y),
                  m, d, static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                  static_cast<int>(rest % 60));
  }
  return buf;
}

std::size_t ColumnMemoryBytes(const Column& column) {
  std::size_t bytes = column.values.size() * sizeof(double) +
                      column.codes.size() * sizeof(std::int32_t) +
                      column.levels.size() * sizeof(std::string);
  for (const std::string& s : column.levels) {
    if (s.capacity() > 15)  // beyond the small-string buffer
      bytes += s.capacity() + 1;
  }
  return bytes;
}

ColumnProfile ProfileColumn(const Column& column, const ProfileOptions& options) {
  ColumnProfile p;
  p.name = column.name;
  p.type = column.type;
  p.type_reason = column.type_reason;
  p.is_id = column.is_id;
  p.likely_id = column.likely_id;
  p.memory_bytes = ColumnMemoryBytes(column);
  const auto top_k = static_cast<std::size_t>(options.top_values);

  if (IsNumberLike(column.type)) {
    bool integer = column.type == ColumnType::kInteger || column.type == ColumnType::kBoolean;
    p.numeric = Summarize(column.values, integer, options.histogram_bins, &p.distinct);
    p.missing = column.values.size() - p.numeric->count;
    if (column.type == ColumnType::kDatetime && p.numeric->count > 0) {
      p.datetime_min = FormatIsoDatetime(p.numeric->min);
      p.datetime_max = FormatIsoDatetime(p.numeric->max);
    }
    if (column.type == ColumnType::kBoolean && !column.HasCodes()) {
      std::size_t trues = 0;
      for (double v : column.values)
        trues += v == 1;
      std::size_t falses = p.numeric->count - trues;
      std::vector<ValueCount> tv = {{"true", trues}, {"false", falses}};
      if (falses > trues)
        std::swap(tv[0], tv[1]);
      for (const ValueCount& c : tv) {
        if (c.count > 0 && p.top_values.size() < top_k)
          p.top_values.push_back(c);
      }
      for (std::size_t i = p.top_values.size(); i < tv.size(); ++i)
        p.other_count += tv[i].count;
      return p;
    }
    if (column.type != ColumnType::kBoolean)
      return p;
  }

  // Dictionary columns (categorical, text, and booleans read with codes).
  std::vector<std::size_t> counts = CountCodes(column);
  std::size_t present = 0;
  for (std::size_t c : counts)
    present += c;
  if (!IsNumberLike(column.type)) {
    p.missing = column.codes.size() - present;
    p.distinct = static_cast<std::size_t>(
        std::count_if(counts.begin(), counts.end(), [](std::size_t c) { return c > 0; }));
  }
  std::size_t listed = 0;
  for (std::size_t code : TopCodes(counts, top_k)) {
    p.top_values.push_back({column.levels[code], counts[code]});
    listed += counts[code];
  }
  p.other_count = present - listed;
  if (column.type == ColumnType::kText && present > 0) {
    TextLengths t;
    t.min = std::numeric_limits<std::size_t>::max();
    double total = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] == 0)
        continue;
      std::size_t len = CodePoints(column.levels[i]);
      t.min = std::min(t.min, len);
      t.max = std::max(t.max, len);
      total += static_cast<double>(len) * static_cast<double>(counts[i]);
    }
    t.mean = total / static_cast<double>(present);
    p.text_lengths = t;
  }
  return p;
}

}  // namespace kiln::profile_internal
