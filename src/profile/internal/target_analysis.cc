#include "profile/internal/target_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "automl/problem_type.h"
#include "common/number_format.h"
#include "profile/internal/column_statistics.h"

namespace kiln::profile_internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMinRows = 20;         // rows with feature and target, before judging
constexpr std::size_t kMinLevelSupport = 5;  // rows a level needs to count towards purity
constexpr double kMinCoverage = 0.8;         // share of rows in supported levels
constexpr double kMinPurity = 0.99;
constexpr double kMaxErrorVsBaseline = 0.1;  // error must be under 10% of the chance error
constexpr double kMinCorrelation = 0.98;
constexpr std::size_t kMaxContingencyCells = 20'000'000;

// The target with dictionary codes, built from its values when the Table has none.
Column WithDictionary(const Column& c) {
  Column d;
  d.name = c.name;
  d.type = c.type;
  d.values = c.values;
  d.codes.assign(c.values.size(), -1);
  std::unordered_map<double, std::int32_t> index;
  for (std::size_t r = 0; r < c.values.size(); ++r) {
    double v = c.values[r];
    if (std::isnan(v))
      continue;
    if (v == 0)
      v = 0;
    auto [it, added] = index.emplace(v, static_cast<std::int32_t>(d.levels.size()));
    if (added) {
      d.levels.push_back(c.type == ColumnType::kBoolean ? (v != 0 ? "true" : "false")
                                                        : FormatShortest(v));
    }
    d.codes[r] = it->second;
  }
  d.distinct = d.levels.size();
  return d;
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * fraction);
  return buf;
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Pearson correlation over rows where both are present; NaN when undefined.
double Correlation(const std::vector<double>& x, const std::vector<double>& y, std::size_t* n) {
  double sx = 0, sy = 0;
  *n = 0;
  for (std::size_t r = 0; r < x.size(); ++r) {
    if (std::isnan(x[r]) || std::isnan(y[r]))
      continue;
    sx += x[r];
    sy += y[r];
    ++*n;
  }
  if (*n < 2)
    return kNaN;
  double mx = sx / static_cast<double>(*n), my = sy / static_cast<double>(*n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t r = 0; r < x.size(); ++r) {
    if (std::isnan(x[r]) || std::isnan(y[r]))
      continue;
    double dx = x[r] - mx, dy = y[r] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0)
    return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

// Classification, categorical feature: per-level class purity.
std::optional<std::string> CategoricalPurity(const Column& f, const std::vector<double>& y,
                                             std::size_t classes) {
  const std::size_t levels = f.levels.size();
  if (levels < 2 || classes < 2 || levels * classes > kMaxContingencyCells)
    return std::nullopt;
  std::vector<std::size_t> cell(levels * classes, 0);
  std::size_t both = 0;
  for (std::size_t r = 0; r < f.codes.size(); ++r) {
    if (f.codes[r] < 0 || std::isnan(y[r]))
      continue;
    ++cell[static_cast<std::size_t>(f.codes[r]) * classes + static_cast<std::size_t>(y[r])];
    ++both;
  }
  if (both < kMinRows)
    return std::nullopt;
  std::size_t covered = 0, pure = 0, used = 0;
  std::vector<std::size_t> class_rows(classes, 0);
  for (std::size_t l = 0; l < levels; ++l) {
    const std::size_t* row = &cell[l * classes];
    std::size_t n = 0, best = 0;
    for (std::size_t k = 0; k < classes; ++k) {
      n += row[k];
      best = std::max(best, row[k]);
    }
    if (n < kMinLevelSupport)
      continue;
    ++used;
    covered += n;
    pure += best;
    for (std::size_t k = 0; k < classes; ++k)
      class_rows[k] += row[k];
  }
  if (used < 2 || static_cast<double>(covered) < kMinCoverage * static_cast<double>(both))
    return std::nullopt;
  double purity = static_cast<double>(pure) / static_cast<double>(covered);
  double baseline = static_cast<double>(*std::max_element(class_rows.begin(), class_rows.end())) /
                    static_cast<double>(covered);
  if (purity < kMinPurity || 1 - purity > kMaxErrorVsBaseline * (1 - baseline))
    return std::nullopt;
  return Quoted(f.name) + " alone predicts the target: within each of its " + std::to_string(used) +
         " levels with at least " + std::to_string(kMinLevelSupport) + " rows (" +
         Percent(static_cast<double>(covered) / static_cast<double>(both)) +
         " of rows) one class holds " + Percent(purity) +
         " of rows (majority class: " + Percent(baseline) +
         "); check that it is known at prediction time";
}

// Classification, number feature: class agreement of neighbours in feature order.
std::optional<std::string> NeighbourAgreement(const Column& f, const std::vector<double>& y,
                                              std::size_t classes) {
  std::vector<std::pair<double, std::uint64_t>> order;  // (value, tie-breaker), tie-breaker -> row
  order.reserve(f.values.size());
  std::vector<std::size_t> class_rows(classes, 0);
  for (std::size_t r = 0; r < f.values.size(); ++r) {
    if (std::isnan(f.values[r]) || std::isnan(y[r]))
      continue;
    order.emplace_back(f.values[r], (Mix(r) << 32) | r);  // rows < 2^32
    ++class_rows[static_cast<std::size_t>(y[r])];
  }
  const std::size_t n = order.size();
  if (n < kMinRows)
    return std::nullopt;
  std::sort(order.begin(), order.end());
  std::size_t agree = 0;
  auto row_of = [](std::uint64_t key) { return static_cast<std::size_t>(key & 0xFFFFFFFFULL); };
  for (std::size_t i = 1; i < n; ++i) {
    agree += y[row_of(order[i].second)] == y[row_of(order[i - 1].second)];
  }
  double agreement = static_cast<double>(agree) / static_cast<double>(n - 1);
  double chance = 0;
  for (std::size_t c : class_rows) {
    double p = static_cast<double>(c) / static_cast<double>(n);
    chance += p * p;
  }
  if (agreement < kMinPurity || 1 - agreement > kMaxErrorVsBaseline * (1 - chance))
    return std::nullopt;
  return Quoted(f.name) + " alone predicts the target: ordered by it, neighbouring rows have the " +
         "same class " + Percent(agreement) + " of the time (" + Percent(chance) +
         " by chance); check that it is known at prediction time";
}

// Regression, categorical feature: correlation ratio over well-supported levels.
std::optional<std::string> CorrelationRatio(const Column& f, const std::vector<double>& y) {
  const std::size_t levels = f.levels.size();
  if (levels < 2)
    return std::nullopt;
  std::vector<double> sum(levels, 0), sumsq(levels, 0);
  std::vector<std::size_t> count(levels, 0);
  double shift = kNaN;  // first target value, to centre the sums
  std::size_t both = 0;
  for (std::size_t r = 0; r < f.codes.size(); ++r) {
    if (f.codes[r] < 0 || std::isnan(y[r]))
      continue;
    if (std::isnan(shift))
      shift = y[r];
    auto l = static_cast<std::size_t>(f.codes[r]);
    double v = y[r] - shift;
    sum[l] += v;
    sumsq[l] += v * v;
    ++count[l];
    ++both;
  }
  if (both < kMinRows)
    return std::nullopt;
  double s = 0, ss = 0, within = 0;
  std::size_t covered = 0, used = 0;
  for (std::size_t l = 0; l < levels; ++l) {
    if (count[l] < kMinLevelSupport)
      continue;
    ++used;
    covered += count[l];
    s += sum[l];
    ss += sumsq[l];
    within += sumsq[l] - sum[l] * sum[l] / static_cast<double>(count[l]);
  }
  if (used < 2 || static_cast<double>(covered) < kMinCoverage * static_cast<double>(both))
    return std::nullopt;
  double total = ss - s * s / static_cast<double>(covered);
  if (total <= 0)
    return std::nullopt;
  double eta2 = 1 - std::max(0.0, within) / total;
  if (eta2 < kMinCorrelation)
    return std::nullopt;
  return Quoted(f.name) + " alone predicts the target: its levels explain " + Percent(eta2) +
         " of the target's variance (correlation ratio, " + std::to_string(used) +
         " levels with at least " + std::to_string(kMinLevelSupport) +
         " rows); check that it is known at prediction time";
}

std::optional<std::string> HighCorrelation(const Column& f, const std::vector<double>& y) {
  std::size_t n = 0;
  double r = Correlation(f.values, y, &n);
  if (n < kMinRows || std::isnan(r) || std::fabs(r) < kMinCorrelation)
    return std::nullopt;
  return Quoted(f.name) + " alone predicts the target: Pearson correlation " + Fixed(r, 4) +
         " with it; check that it is known at prediction time";
}

}  // namespace

TargetAnalysis AnalyzeTarget(const Table& table, int target_index, const ProfileOptions& options) {
  const Column& column = table.columns[static_cast<std::size_t>(target_index)];
  Column built;
  if (!column.HasCodes())
    built = WithDictionary(column);
  const Column& target = column.HasCodes() ? column : built;

  TargetAnalysis out;
  TargetProfile& p = out.profile;
  p.column = column.name;
  out.y.assign(target.codes.size(), kNaN);
  for (std::int32_t c : target.codes)
    p.missing += c < 0;

  Result<ProblemType> problem = InferProblemType(target, std::nullopt);
  if (!problem.ok()) {
    p.problem_type_error = problem.error().message();
    return out;
  }
  p.task = problem->task;
  p.reason = problem->reason;
  if (p.task == Task::kRegression) {
    p.distribution = SummarizeNumbers(target.values, target.type == ColumnType::kInteger,
                                      options.histogram_bins);
    out.y = target.values;
    return out;
  }
  EncodedTarget encoded = EncodeTarget(target, p.task);
  for (const std::string& label : encoded.class_labels)
    p.classes.push_back({label, 0});
  for (std::size_t r = 0; r < encoded.y.size(); ++r) {
    if (std::isnan(encoded.y[r]))
      continue;
    out.y[r] = encoded.y[r];
    ++p.classes[static_cast<std::size_t>(encoded.y[r])].count;
  }
  return out;
}

std::vector<IndexedWarning> FindLeakage(const Table& table, int target_index,
                                        const TargetAnalysis& target) {
  std::vector<IndexedWarning> out;
  const TargetProfile& t = target.profile;
  if (!t.problem_type_error.empty())
    return out;
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    const Column& f = table.columns[j];
    if (static_cast<int>(j) == target_index || f.is_id)
      continue;
    std::optional<std::string> finding;
    const bool number = IsNumberLike(f.type);
    if (t.task == Task::kRegression) {
      finding = number ? HighCorrelation(f, target.y) : CorrelationRatio(f, target.y);
    } else if (!number) {
      finding = CategoricalPurity(f, target.y, t.classes.size());
    } else {
      finding = NeighbourAgreement(f, target.y, t.classes.size());
      if (!finding && t.task == Task::kBinary)
        finding = HighCorrelation(f, target.y);
    }
    if (finding) {
      out.push_back({static_cast<int>(j), {Severity::kHigh, "leakage", f.name, *finding}});
    }
  }
  return out;
}

}  // namespace kiln::profile_internal
