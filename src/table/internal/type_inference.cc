#include "table/internal/type_inference.h"

#include "table/internal/message_util.h"

namespace kiln::table_internal {
namespace {

// Present rows needed before uniqueness means "id".
constexpr std::size_t kMinIdRows = 20;
constexpr double kIdUniqueFraction = 0.99;
constexpr double kLikelyIdFraction = 0.5;
constexpr std::size_t kLikelyIdMinDistinct = 100;
constexpr double kTextDistinctFraction = 0.5;

bool IsUnique(std::size_t distinct, std::size_t present) {
  return present >= kMinIdRows &&
         static_cast<double>(distinct) >= kIdUniqueFraction * static_cast<double>(present);
}

std::string Because(const ColumnProfile::Evidence& e, const char* what) {
  return "line " + std::to_string(e.line) + ": " + QuoteValue(e.value) + " " + what;
}

// Why a column ended up categorical: the value that ruled out the last remaining type.
std::string CategoricalReason(const ColumnProfile& p) {
  std::uint64_t last = 0;
  for (int b = 0; b < 4; ++b) {
    std::uint64_t line = p.first_failure(b).line;
    if (line != ColumnProfile::kNoLine && line > last)
      last = line;
  }
  auto killed_at_last = [&](int bit) { return p.first_failure(bit).line == last; };
  if (killed_at_last(1))
    return Because(p.first_failure(1), "is not a number");
  if (killed_at_last(3))
    return Because(p.first_failure(3), "is not a date");
  if (killed_at_last(2))
    return Because(p.first_failure(2), "is not a boolean (true/false/yes/no)");
  return "values are labels";
}

}  // namespace

ColumnPlan PlanColumn(const ColumnSetup& setup, const ColumnProfile& profile) {
  ColumnPlan plan;
  if (setup.forced) {
    plan.type = setup.forced_type;
    plan.reason = std::string("type ") + ColumnTypeName(plan.type) + " set by the schema";
  } else if (profile.present() == 0) {
    plan.type = ColumnType::kNumeric;
    plan.reason = "all values are missing";
  } else if (profile.kinds() & kCanInteger) {
    std::size_t levels = profile.small_distinct();
    if (setup.code_like_name && levels <= kMaxCodeLevels && !IsUnique(levels, profile.present())) {
      plan.type = ColumnType::kCategorical;
      plan.reason = "integer codes with " + std::to_string(levels) +
                    " distinct values in a column named like an id or code";
    } else {
      plan.type = ColumnType::kInteger;
      plan.reason = "every value is an integer";
    }
  } else if (profile.kinds() & kCanNumber) {
    plan.type = ColumnType::kNumeric;
    plan.reason = "every value is a number";
    if (profile.first_failure(0).line != ColumnProfile::kNoLine) {
      plan.reason += "; " + Because(profile.first_failure(0), "is not an integer");
    }
  } else if (profile.kinds() & kCanBoolean) {
    plan.type = ColumnType::kBoolean;
    plan.reason = "every value is true/false or yes/no";
  } else if (profile.kinds() & kCanDatetime) {
    plan.type = ColumnType::kDatetime;
    plan.reason = "every value is a date or date-time";
  } else {
    plan.type = ColumnType::kCategorical;
    plan.reason = CategoricalReason(profile);
  }
  plan.dictionary = !IsNumberLike(plan.type) || setup.dictionary;
  return plan;
}

bool LooksLikeText(double mean_words, std::size_t distinct, std::size_t present) {
  return mean_words >= kTextMinMeanWords && distinct >= 2 &&
         static_cast<double>(distinct) >= kTextDistinctFraction * static_cast<double>(present);
}

void ApplyIdRules(const ColumnSetup& setup, std::size_t present, Column* column) {
  column->is_id = false;
  column->likely_id = false;
  bool integer = column->type == ColumnType::kInteger;
  bool categorical = column->type == ColumnType::kCategorical;
  if (!integer && !categorical)
    return;
  std::size_t distinct = column->distinct;
  if (IsUnique(distinct, present)) {
    column->is_id = true;
    return;
  }
  bool high_cardinality =
      distinct >= kLikelyIdMinDistinct &&
      static_cast<double>(distinct) >= kLikelyIdFraction * static_cast<double>(present);
  column->likely_id = high_cardinality && (categorical || setup.key_like_name);
}

}  // namespace kiln::table_internal
