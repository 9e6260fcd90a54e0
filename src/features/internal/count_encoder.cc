// The count encoder: group sizes of key-like columns (see column_encoder.h).
#include <cmath>
#include <limits>

#include "features/internal/column_encoder.h"

namespace kiln::features_internal {

CountEncoder FitCount(const CategoricalView& view, std::vector<double>* train) {
  CountEncoder e;
  e.Adopt(view);
  e.counts.assign(view.counts.begin(), view.counts.end());
  train->resize(view.ids.size());
  for (std::size_t r = 0; r < view.ids.size(); ++r) {
    (*train)[r] = view.ids[r] < 0 ? std::numeric_limits<double>::quiet_NaN()
                                  : e.counts[static_cast<std::size_t>(view.ids[r])];
  }
  return e;
}

void CountEncoder::AppendOutputs(const std::string& column, OutputList* out) const {
  out->Add(column + "~count");
}

void CountEncoder::Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const {
  const std::size_t rows = ctx.out->rows;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (numeric_keys) {
    for (std::size_t r = 0; r < rows; ++r) {
      double v = column.values[r];
      if (IsMissingValue(v)) {
        ctx.Put(r, first, nan);
        continue;
      }
      auto it = key_index.find(v);
      ctx.Put(r, first, static_cast<float>(it == key_index.end() ? 1.0 : counts[it->second] + 1));
    }
    return;
  }
  std::vector<int> map = MapCodes(column, level_index);
  for (std::size_t r = 0; r < rows; ++r) {
    std::int32_t code = column.codes[r];
    if (code < 0 || static_cast<std::size_t>(code) >= map.size()) {
      ctx.Put(r, first, nan);
    } else {
      ctx.Put(r, first, static_cast<float>(map[code] < 0 ? 1.0 : counts[map[code]] + 1));
    }
  }
}

}  // namespace kiln::features_internal
