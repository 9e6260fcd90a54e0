// Type inference rules: from a column's merged pass-1 profile to its type (PlanColumn), and, once
// the values are materialized, the rules that need distinct counts (free text, id and key
// detection).
//
//   integer      every non-missing value is an integer ("0"/"1" stay integer)
//   numeric      every value is a number ("1e5", "-3.25", "+1", ".5"; not "nan", "inf", "NA")
//   boolean      every value is true/false or yes/no, any case
//   datetime     every value is an ISO-8601-like date or date-time
//   categorical  anything else; also integer codes (<= 100 distinct) in a column whose name ends in
//                "id" or "code" (admission_type_id)
//   text         categorical whose values average >= 3 words and are mostly distinct
//   all missing  numeric (every value NaN)
// Thread-safe: pure functions.
#pragma once

#include <string>

#include "table/internal/column_profile.h"
#include "table/internal/column_setup.h"
#include "table/table.h"

namespace kiln::table_internal {

struct ColumnPlan {
  ColumnType type = ColumnType::kNumeric;
  bool dictionary = false;  // build codes/levels (categorical, text, or a dictionary column)
  std::string reason;       // becomes Column::type_reason
};

// Decides the storage type of a column from its merged profile (lines already file lines).
ColumnPlan PlanColumn(const ColumnSetup& setup, const ColumnProfile& profile);

// Mean words per value from which a mostly-distinct categorical column is text.
inline constexpr double kTextMinMeanWords = 3.0;

// True when a categorical column reads as prose rather than labels.
bool LooksLikeText(double mean_words, std::size_t distinct, std::size_t present);

// Sets is_id / likely_id from the column's type, name, distinct and present counts.
void ApplyIdRules(const ColumnSetup& setup, std::size_t present, Column* column);

}  // namespace kiln::table_internal
