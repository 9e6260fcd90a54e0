// The target encoder, with out-of-fold encodings for the training rows.
#include <algorithm>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"
#include "features/internal/value_encoding.h"

namespace kiln::features_internal {
namespace {

// Smoothed mean: (sum + m * prior) / (count + m), the prior when there is nothing to average.
double Smooth(double sum, double count, double m, double prior) {
  double denom = count + m;
  return denom > 0 ? (sum + m * prior) / denom : prior;
}

}  // namespace

TargetEncoder FitTarget(const CategoricalView& view, const TargetContext& target, bool linear,
                        const PipelineSpec& spec, std::vector<double>* oof) {
  TargetEncoder e;
  e.Adopt(view);
  e.num_outputs = target.num_outputs;
  e.output_labels = target.output_labels;
  e.linear = linear;

  const std::size_t n = view.ids.size();
  const std::size_t k = static_cast<std::size_t>(target.num_outputs);
  const std::size_t missing_level = view.size();
  const std::size_t slots = view.size() + 1;  // levels + missing
  const double m = spec.target_smoothing;
  auto level_of = [&](std::size_t r) {
    return view.ids[r] < 0 ? missing_level : static_cast<std::size_t>(view.ids[r]);
  };

  // Full-training statistics.
  std::vector<double> sums(slots * k, 0.0);
  std::vector<double> counts(slots, 0.0);
  std::vector<double> totals(k, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t l = level_of(r);
    counts[l] += 1;
    for (std::size_t j = 0; j < k; ++j) {
      double t = target.Target(r, static_cast<int>(j));
      sums[l * k + j] += t;
      totals[j] += t;
    }
  }
  e.prior.resize(k);
  for (std::size_t j = 0; j < k; ++j)
    e.prior[j] = n > 0 ? totals[j] / static_cast<double>(n) : 0;
  e.encoding.resize(slots * k);
  for (std::size_t l = 0; l < slots; ++l) {
    for (std::size_t j = 0; j < k; ++j) {
      e.encoding[l * k + j] = Smooth(sums[l * k + j], counts[l], m, e.prior[j]);
    }
  }

  // Out-of-fold: each fold encoded from the totals minus that fold, one fold at a time so memory
  // stays at one statistics table.
  oof->assign(n * k, 0.0);
  std::vector<std::vector<std::size_t>> fold_rows(target.num_folds);
  for (std::size_t r = 0; r < n; ++r)
    fold_rows[(*target.folds)[r]].push_back(r);
  std::vector<double> fold_sums(slots * k, 0.0);
  std::vector<double> fold_counts(slots, 0.0);
  std::vector<double> fold_totals(k);
  std::vector<double> fold_prior(k);
  for (const std::vector<std::size_t>& rows : fold_rows) {
    if (rows.empty())
      continue;
    std::fill(fold_totals.begin(), fold_totals.end(), 0.0);
    for (std::size_t r : rows) {
      std::size_t l = level_of(r);
      fold_counts[l] += 1;
      for (std::size_t j = 0; j < k; ++j) {
        double t = target.Target(r, static_cast<int>(j));
        fold_sums[l * k + j] += t;
        fold_totals[j] += t;
      }
    }
    const double rest = static_cast<double>(n - rows.size());
    for (std::size_t j = 0; j < k; ++j) {
      fold_prior[j] = rest > 0 ? (totals[j] - fold_totals[j]) / rest : e.prior[j];
    }
    for (std::size_t r : rows) {
      std::size_t l = level_of(r);
      double count = counts[l] - fold_counts[l];
      for (std::size_t j = 0; j < k; ++j) {
        (*oof)[r * k + j] = Smooth(sums[l * k + j] - fold_sums[l * k + j], count, m, fold_prior[j]);
      }
    }
    for (std::size_t r : rows) {  // reset only what this fold touched
      std::size_t l = level_of(r);
      fold_counts[l] = 0;
      for (std::size_t j = 0; j < k; ++j)
        fold_sums[l * k + j] = 0;
    }
  }

  if (linear) {
    std::vector<double> column(n);
    for (std::size_t j = 0; j < k; ++j) {
      for (std::size_t r = 0; r < n; ++r)
        column[r] = (*oof)[r * k + j];
      e.affine.push_back(FitScaler(column, spec.scaling));
    }
  }
  return e;
}

void TargetEncoder::AppendOutputs(const std::string& column, OutputList* out) const {
  if (output_labels.empty()) {
    out->Add(column + "~te");
    return;
  }
  for (const std::string& label : output_labels)
    out->Add(column + "~te:" + label);
}

void TargetEncoder::Write(std::span<const double> raw, const ApplyContext& ctx,
                          std::size_t first) const {
  const std::size_t k = static_cast<std::size_t>(num_outputs);
  Matrix& out = *ctx.out;
  for (std::size_t r = 0; r < out.rows; ++r)
    EncodeTargetValues(*this, &raw[r * k], ctx.clip, &out.values[r * out.cols + first]);
}

void TargetEncoder::Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const {
  const std::size_t k = static_cast<std::size_t>(num_outputs);
  const std::size_t rows = ctx.out->rows;
  const double* missing_row = encoding.data() + num_levels() * k;
  // Per row: a pointer to its k encoded values (a level's, the missing row's or the prior).
  std::vector<const double*> source(rows);
  if (numeric_keys) {
    for (std::size_t r = 0; r < rows; ++r) {
      double v = column.values[r];
      if (IsMissingValue(v)) {
        source[r] = missing_row;
        continue;
      }
      auto it = key_index.find(v);
      source[r] = it == key_index.end() ? prior.data() : encoding.data() + it->second * k;
    }
  } else {
    std::vector<int> map = MapCodes(column, level_index);
    for (std::size_t r = 0; r < rows; ++r) {
      std::int32_t code = column.codes[r];
      if (code < 0 || static_cast<std::size_t>(code) >= map.size()) {
        source[r] = missing_row;
      } else {
        source[r] = map[code] < 0 ? prior.data() : encoding.data() + map[code] * k;
      }
    }
  }
  Matrix& out = *ctx.out;
  for (std::size_t r = 0; r < rows; ++r)
    EncodeTargetValues(*this, source[r], ctx.clip, &out.values[r * out.cols + first]);
}

void EncodeTargetValues(const TargetEncoder& e, const double* source, double clip, float* out) {
  for (int j = 0; j < e.num_outputs; ++j)
    out[j] = e.linear ? e.affine[j].Apply(source[j], clip) : ToFloat(source[j]);
}

}  // namespace kiln::features_internal
