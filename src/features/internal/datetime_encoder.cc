// The datetime encoder: calendar parts of seconds since the Unix epoch (UTC).
#include <algorithm>
#include <cmath>
#include <limits>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"
#include "features/internal/value_encoding.h"

namespace kiln::features_internal {
namespace {

constexpr double kSecondsPerDay = 86400.0;
// Beyond ~31,700 years from 1970 a timestamp is treated as missing (keeps the day count exact).
constexpr double kMaxAbsSeconds = 1e12;

bool UsableTime(double seconds) {
  return !IsMissingValue(seconds) && std::abs(seconds) <= kMaxAbsSeconds;
}

struct Civil {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Howard Hinnant's civil_from_days: proleptic Gregorian date of a day count since 1970-01-01.
Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {era * 400 + yoe + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace

const char* DatePartName(DatePart part) {
  switch (part) {
    case DatePart::kYear:
      return "year";
    case DatePart::kMonth:
      return "month";
    case DatePart::kDay:
      return "day";
    case DatePart::kDayOfWeek:
      return "day_of_week";
    case DatePart::kHour:
      return "hour";
    case DatePart::kEpochDays:
      return "epoch_days";
  }
  return "unknown";
}

double DatePartValue(double seconds, DatePart part) {
  const double day_floor = std::floor(seconds / kSecondsPerDay);
  const auto days = static_cast<std::int64_t>(day_floor);
  switch (part) {
    case DatePart::kYear:
      return static_cast<double>(CivilFromDays(days).year);
    case DatePart::kMonth:
      return CivilFromDays(days).month;
    case DatePart::kDay:
      return CivilFromDays(days).day;
    case DatePart::kDayOfWeek:
      // 1970-01-01 was a Thursday (3 with Monday = 0).
      return static_cast<double>(((days % 7) + 7 + 3) % 7);
    case DatePart::kHour:
      return std::floor((seconds - day_floor * kSecondsPerDay) / 3600.0);
    case DatePart::kEpochDays:
      return seconds / kSecondsPerDay;
  }
  return 0.0;
}

DatetimeEncoder FitDatetime(std::span<const double> seconds, bool linear,
                            const PipelineSpec& spec) {
  DatetimeEncoder e;
  e.linear = linear;
  std::vector<double> present;
  for (double s : seconds) {
    if (UsableTime(s))
      present.push_back(s);
  }
  e.indicator = linear && spec.missing_indicators && present.size() < seconds.size();
  // REQUIRES (checked by the caller): at least one present value.
  for (int p = 0; p < kNumDateParts; ++p) {
    auto part = static_cast<DatePart>(p);
    std::vector<double> values(present.size());
    for (std::size_t i = 0; i < present.size(); ++i)
      values[i] = DatePartValue(present[i], part);
    auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (*lo == *hi)
      continue;  // constant in training (e.g. hour of date-only values): no information
    e.parts.push_back(part);
    if (!linear)
      continue;
    double fill = Median(values);
    values.resize(seconds.size(), fill);  // the imputed missing rows, for the scaling statistics
    e.fill.push_back(fill);
    e.affine.push_back(FitScaler(values, spec.scaling));
  }
  return e;
}

void DatetimeEncoder::AppendOutputs(const std::string& column, OutputList* out) const {
  for (DatePart part : parts)
    out->Add(column + "~" + DatePartName(part));
  if (indicator)
    out->Add(column + "_missing");
}

void EncodeDatetimeValue(const DatetimeEncoder& e, double seconds, double clip, float* out) {
  const bool usable = UsableTime(seconds);
  for (std::size_t j = 0; j < e.parts.size(); ++j) {
    if (!e.linear) {
      out[j] = usable ? ToFloat(DatePartValue(seconds, e.parts[j]))
                      : std::numeric_limits<float>::quiet_NaN();
    } else {
      const double v = usable ? DatePartValue(seconds, e.parts[j]) : e.fill[j];
      out[j] = e.affine[j].Apply(v, clip);
    }
  }
  if (e.indicator)
    out[e.parts.size()] = usable ? 0.0f : 1.0f;
}

void DatetimeEncoder::Apply(const Column& column, const ApplyContext& ctx,
                            std::size_t first) const {
  Matrix& out = *ctx.out;
  for (std::size_t r = 0; r < out.rows; ++r)
    EncodeDatetimeValue(*this, column.values[r], ctx.clip, &out.values[r * out.cols + first]);
}

}  // namespace kiln::features_internal
