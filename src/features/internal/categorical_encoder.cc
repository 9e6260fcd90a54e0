// Categorical views and the ordinal (trees) and one-hot (linear) encoders.
#include <algorithm>
#include <limits>
#include <numeric>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"

namespace kiln::features_internal {

void KeyedLevels::Adopt(const CategoricalView& view) {
  numeric_keys = view.numeric_keys;
  levels = view.levels;
  keys = view.keys;
  BuildIndex();
}

void KeyedLevels::BuildIndex() {
  level_index = BuildLevelIndex(levels);
  key_index = BuildKeyIndex(keys);
}

KeyIndex BuildKeyIndex(const std::vector<double>& keys) {
  KeyIndex index;
  index.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i)
    index.emplace(keys[i], static_cast<int>(i));
  return index;
}

LevelIndex BuildLevelIndex(const std::vector<std::string>& levels) {
  LevelIndex index;
  index.reserve(levels.size());
  for (std::size_t i = 0; i < levels.size(); ++i)
    index.emplace(levels[i], static_cast<int>(i));
  return index;
}

std::vector<int> MapCodes(const Column& column, const LevelIndex& index) {
  std::vector<int> map(column.levels.size(), -1);
  for (std::size_t i = 0; i < column.levels.size(); ++i) {
    auto it = index.find(column.levels[i]);
    if (it != index.end())
      map[i] = it->second;
  }
  return map;
}

std::vector<int> CategoricalView::ByFrequency() const {
  std::vector<int> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [this](int a, int b) { return counts[a] > counts[b]; });
  return order;
}

CategoricalView MakeCategoricalView(const Column& column, std::size_t num_rows) {
  CategoricalView view;
  view.ids.assign(num_rows, -1);
  // Table codes -> view levels; a level string listed twice in the table maps to one view level.
  std::vector<int> code_to_view(column.levels.size(), -1);
  LevelIndex seen;
  for (std::size_t r = 0; r < num_rows; ++r) {
    std::int32_t code = column.codes[r];
    if (code < 0 || static_cast<std::size_t>(code) >= column.levels.size()) {
      ++view.missing;
      continue;
    }
    int& id = code_to_view[code];
    if (id < 0) {
      auto [it, inserted] = seen.emplace(column.levels[code], static_cast<int>(view.levels.size()));
      if (inserted) {
        view.levels.push_back(column.levels[code]);
        view.counts.push_back(0);
      }
      id = it->second;
    }
    view.ids[r] = id;
    ++view.counts[id];
  }
  return view;
}

CategoricalView MakeNumericKeyView(const Column& column, std::size_t num_rows) {
  CategoricalView view;
  view.numeric_keys = true;
  view.ids.assign(num_rows, -1);
  std::unordered_map<double, int> seen;
  for (std::size_t r = 0; r < num_rows; ++r) {
    double v = column.values[r];
    if (IsMissingValue(v)) {
      ++view.missing;
      continue;
    }
    auto [it, inserted] = seen.emplace(v, static_cast<int>(view.keys.size()));
    if (inserted) {
      view.keys.push_back(v);
      view.counts.push_back(0);
    }
    view.ids[r] = it->second;
    ++view.counts[it->second];
  }
  return view;
}

OrdinalEncoder FitOrdinal(const CategoricalView& view) {
  OrdinalEncoder e;
  for (int i : view.ByFrequency())
    e.levels.push_back(view.levels[i]);
  e.BuildIndex();
  return e;
}

void OrdinalEncoder::AppendOutputs(const std::string& column, OutputList* out) const {
  out->Add(column, /*is_categorical=*/true);
}

void OrdinalEncoder::Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const {
  std::vector<float> code_value(column.levels.size(), std::numeric_limits<float>::quiet_NaN());
  std::vector<int> map = MapCodes(column, index);
  for (std::size_t i = 0; i < map.size(); ++i) {
    if (map[i] >= 0)
      code_value[i] = static_cast<float>(map[i]);
  }
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t r = 0; r < ctx.out->rows; ++r) {
    std::int32_t code = column.codes[r];
    bool valid = code >= 0 && static_cast<std::size_t>(code) < code_value.size();
    ctx.Put(r, first, valid ? code_value[code] : nan);
  }
}

std::vector<int> KeptLevels(const CategoricalView& view, int min_level_count) {
  std::vector<int> kept;
  for (int i : view.ByFrequency()) {
    if (view.counts[i] >= static_cast<std::size_t>(min_level_count))
      kept.push_back(i);
  }
  return kept;
}

OneHotEncoder FitOneHot(const CategoricalView& view, const PipelineSpec& spec) {
  OneHotEncoder e;
  std::vector<int> kept = KeptLevels(view, spec.min_level_count);
  for (int i : kept)
    e.levels.push_back(view.levels[i]);
  e.rare = kept.size() < view.size();
  e.missing = view.missing > 0 && spec.missing_indicators;
  e.BuildIndex();
  return e;
}

void OneHotEncoder::AppendOutputs(const std::string& column, OutputList* out) const {
  for (const std::string& level : levels)
    out->Add(column + "=" + level);
  if (rare)
    out->Add(column + "=__rare__");
  if (missing)
    out->Add(column + "=__missing__");
}

void OneHotEncoder::Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const {
  // Per code of the new table: the output column offset that gets the 1, or -1 for none.
  const int rare_slot = rare ? static_cast<int>(levels.size()) : -1;
  const int missing_slot = missing ? static_cast<int>(levels.size()) + (rare ? 1 : 0) : -1;
  std::vector<int> slot = MapCodes(column, index);
  for (int& s : slot) {
    if (s < 0)
      s = rare_slot;
  }
  for (std::size_t r = 0; r < ctx.out->rows; ++r) {
    std::int32_t code = column.codes[r];
    bool valid = code >= 0 && static_cast<std::size_t>(code) < slot.size();
    int s = valid ? slot[code] : missing_slot;
    if (s >= 0)
      ctx.Put(r, first + s, 1.0f);
  }
}

}  // namespace kiln::features_internal
