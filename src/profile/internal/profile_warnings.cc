#include "profile/internal/profile_warnings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "profile/internal/format.h"

namespace kiln::profile_internal {
namespace {

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string CountOf(std::size_t part, std::size_t whole) {
  return FormatCount(part) + " of " + FormatCount(whole) + " (" + FormatPercent(part, whole) + ")";
}

std::string SingleValue(const ColumnProfile& c) {
  if (!c.top_values.empty())
    return Quoted(c.top_values[0].value);
  if (c.type == ColumnType::kDatetime)
    return c.datetime_min;
  if (c.numeric && c.numeric->count > 0) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.10g", c.numeric->min);
    return buf;
  }
  return "";
}

void ColumnWarnings(const DataProfile& p, int index, bool is_target,
                    std::vector<IndexedWarning>* out) {
  const ColumnProfile& c = p.columns[static_cast<std::size_t>(index)];
  auto add = [&](Severity s, const char* kind, std::string message) {
    out->push_back({index, {s, kind, c.name, std::move(message)}});
  };
  const std::size_t present = p.rows - c.missing;
  if (p.rows > 0 && present == 0) {
    add(Severity::kHigh, "empty", "every value is missing; drop the column");
    return;
  }
  if (c.distinct == 1) {
    add(Severity::kMedium, "constant",
        "has a single value (" + SingleValue(c) + ")" +
            (c.missing ? " besides missing cells" : "") + "; it carries no information");
  } else if (!is_target && c.distinct >= 2 && !c.top_values.empty() &&
             present >= kMinRowsForShares &&
             static_cast<double>(c.top_values[0].count) >=
                 kQuasiConstantShare * static_cast<double>(present)) {
    add(Severity::kLow, "quasi_constant",
        "nearly constant: " + Quoted(c.top_values[0].value) + " fills " +
            CountOf(c.top_values[0].count, present) +
            " non-missing values; the others are too rare to learn from");
  }
  double missing_share = p.rows ? static_cast<double>(c.missing) / static_cast<double>(p.rows) : 0;
  if (missing_share > kManyMissingHigh) {
    add(Severity::kHigh, "missing", CountOf(c.missing, p.rows) + " values are missing");
  } else if (missing_share > kManyMissingLow) {
    add(Severity::kLow, "missing", CountOf(c.missing, p.rows) + " values are missing");
  }
  if (c.is_id) {
    add(Severity::kMedium, "id",
        "an ID: " + CountOf(c.distinct, present) +
            " values are distinct; it identifies rows and is not a feature, so drop it");
  } else if (c.likely_id) {
    add(Severity::kLow, "likely_id",
        "probably an ID or key: " + CountOf(c.distinct, present) +
            " values are distinct; drop it, or group rows by it when splitting for validation");
  } else if (c.type == ColumnType::kCategorical && !is_target) {
    bool many_levels = c.distinct > kHighCardinalityLevels;
    bool mostly_unique =
        present >= kMinRowsForShares &&
        static_cast<double>(c.distinct) > kHighCardinalityShare * static_cast<double>(present);
    if (many_levels || mostly_unique) {
      add(Severity::kMedium, "high_cardinality",
          "high-cardinality categorical: " + CountOf(c.distinct, present) +
              " values are distinct; one-hot encoding would be wide and sparse, consider target or "
              "frequency encoding, or grouping rare levels");
    }
  }
  bool skew_type = c.type == ColumnType::kNumeric || c.type == ColumnType::kInteger;
  if (skew_type && !c.is_id && !c.likely_id && c.numeric && std::isfinite(c.numeric->skew) &&
      std::fabs(c.numeric->skew) > kSkewLimit) {
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  "highly skewed (skew %.2f; median %.4g, max %.4g); consider a log or rank "
                  "transform for linear models",
                  c.numeric->skew, c.numeric->median, c.numeric->max);
    add(Severity::kLow, "skewed", buf);
  }
}

void TargetWarnings(const DataProfile& p, int index, std::vector<IndexedWarning>* out) {
  const TargetProfile& t = *p.target;
  auto add = [&](Severity s, const char* kind, std::string message) {
    out->push_back({index, {s, kind, t.column, std::move(message)}});
  };
  if (!t.problem_type_error.empty()) {
    add(Severity::kHigh, "target_invalid",
        "cannot be a prediction target: " + t.problem_type_error);
    return;
  }
  if (t.missing > 0) {
    add(Severity::kMedium, "target_missing",
        CountOf(t.missing, p.rows) + " rows have no target value; training drops them");
  }
  if (t.task == Task::kRegression || t.classes.empty())
    return;
  std::size_t labelled = p.rows - t.missing;
  auto minority =
      std::min_element(t.classes.begin(), t.classes.end(),
                       [](const ValueCount& a, const ValueCount& b) { return a.count < b.count; });
  double share =
      labelled ? static_cast<double>(minority->count) / static_cast<double>(labelled) : 0;
  if (share < kImbalanceMedium) {
    add(share < kImbalanceHigh ? Severity::kHigh : Severity::kMedium, "imbalance",
        "class imbalance: the smallest class " + Quoted(minority->value) + " has " +
            CountOf(minority->count, labelled) +
            " labelled rows; use a stratified split and a metric such as AUC or log loss, not "
            "accuracy");
  }
}

}  // namespace

std::vector<ProfileWarning> CollectWarnings(const DataProfile& profile, int target_index,
                                            std::vector<IndexedWarning> leakage) {
  std::vector<IndexedWarning> all;
  if (profile.duplicate_rows > 0) {
    double share = profile.rows ? static_cast<double>(profile.duplicate_rows) /
                                      static_cast<double>(profile.rows)
                                : 0;
    all.push_back({-1,
                   {share > kManyDuplicates ? Severity::kMedium : Severity::kLow, "duplicates", "",
                    CountOf(profile.duplicate_rows, profile.rows) +
                        " rows duplicate an earlier row; they overweight those examples and can "
                        "leak between training and validation folds"}});
  }
  for (std::size_t i = 0; i < profile.columns.size(); ++i) {
    ColumnWarnings(profile, static_cast<int>(i), static_cast<int>(i) == target_index, &all);
  }
  if (profile.target)
    TargetWarnings(profile, target_index, &all);
  for (IndexedWarning& w : leakage)
    all.push_back(std::move(w));
  std::stable_sort(all.begin(), all.end(), [](const IndexedWarning& a, const IndexedWarning& b) {
    if (a.warning.severity != b.warning.severity)
      return a.warning.severity < b.warning.severity;
    return a.column_index < b.column_index;
  });
  std::vector<ProfileWarning> out;
  out.reserve(all.size());
  for (IndexedWarning& w : all)
    out.push_back(std::move(w.warning));
  return out;
}

}  // namespace kiln::profile_internal
