// The numeric (numeric / integer / boolean) encoder.
#include <algorithm>
#include <limits>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"
#include "features/internal/value_encoding.h"

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

void EncodeNumericValue(const NumericEncoder& e, double v, double clip, float* out) {
  const bool missing = IsMissingValue(v);
  if (!e.linear) {
    out[0] = missing ? std::numeric_limits<float>::quiet_NaN() : ToFloat(v);
    return;
  }
  if (e.emit_value)
    out[0] = e.affine.Apply(missing ? e.fill : v, clip);
  if (e.indicator)
    out[e.emit_value ? 1 : 0] = missing ? 1.0f : 0.0f;
}

void NumericEncoder::Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const {
  Matrix& out = *ctx.out;
  for (std::size_t r = 0; r < out.rows; ++r)
    EncodeNumericValue(*this, column.values[r], ctx.clip, &out.values[r * out.cols + first]);
}

}  // namespace kiln::features_internal
