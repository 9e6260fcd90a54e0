// The numeric (numeric / integer / boolean) encoder.
#include <algorithm>
#include <limits>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"

namespace kiln::features_internal {

NumericEncoder FitNumeric(std::span<const double> values, bool linear, const PipelineSpec& spec) {
  NumericEncoder e;
  e.linear = linear;
  if (!linear)
    return e;
  std::vector<double> present;
  present.reserve(values.size());
  for (double v : values) {
    if (!IsMissingValue(v))
      present.push_back(v);
  }
  // REQUIRES (checked by the caller): at least one present value.
  auto [lo, hi] = std::minmax_element(present.begin(), present.end());
  e.emit_value = *lo != *hi;
  e.indicator = spec.missing_indicators && present.size() < values.size();
  e.fill = Median(present);
  std::vector<double> imputed(values.begin(), values.end());
  for (double& v : imputed) {
    if (IsMissingValue(v))
      v = e.fill;
  }
  e.affine = FitScaler(imputed, spec.scaling);
  return e;
}

void NumericEncoder::AppendOutputs(const std::string& column, OutputList* out) const {
  if (!linear || emit_value)
    out->Add(column);
  if (linear && indicator)
    out->Add(column + "_missing");
}

void NumericEncoder::Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const {
  const std::size_t rows = ctx.out->rows;
  if (!linear) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t r = 0; r < rows; ++r) {
      double v = column.values[r];
      ctx.Put(r, first, IsMissingValue(v) ? nan : ToFloat(v));
    }
    return;
  }
  const std::size_t indicator_col = first + (emit_value ? 1 : 0);
  for (std::size_t r = 0; r < rows; ++r) {
    double v = column.values[r];
    bool missing = IsMissingValue(v);
    if (emit_value)
      ctx.Put(r, first, affine.Apply(missing ? fill : v, ctx.clip));
    if (indicator)
      ctx.Put(r, indicator_col, missing ? 1.0f : 0.0f);
  }
}

}  // namespace kiln::features_internal
