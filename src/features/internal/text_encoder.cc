// The text encoder: hashed TF-IDF over word tokens plus a token count.
#include <algorithm>
#include <cmath>
#include <limits>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"
#include "features/internal/value_encoding.h"

namespace kiln::features_internal {
namespace {

// Per entry of column.levels: its token buckets and token count (computed once per distinct text).
struct LevelTokens {
  std::vector<std::vector<std::pair<int, int>>> buckets;
  std::vector<std::size_t> tokens;
};

LevelTokens TokenizeLevels(const Column& column, int dims) {
  LevelTokens t;
  t.buckets.resize(column.levels.size());
  t.tokens.resize(column.levels.size());
  for (std::size_t i = 0; i < column.levels.size(); ++i) {
    t.tokens[i] = HashTokens(column.levels[i], dims, &t.buckets[i]);
  }
  return t;
}

bool ValidCode(const Column& column, std::size_t row) {
  std::int32_t code = column.codes[row];
  return code >= 0 && static_cast<std::size_t>(code) < column.levels.size();
}

}  // namespace

std::size_t HashTokens(std::string_view text, int dims, std::vector<std::pair<int, int>>* buckets) {
  buckets->clear();
  std::vector<int> hashed;
  ForEachTokenBucket(text, dims, [&](int b) { hashed.push_back(b); });
  std::sort(hashed.begin(), hashed.end());
  for (int b : hashed) {
    if (!buckets->empty() && buckets->back().first == b) {
      ++buckets->back().second;
    } else {
      buckets->emplace_back(b, 1);
    }
  }
  return hashed.size();
}

TextEncoder FitText(const Column& column, std::size_t num_rows, bool linear,
                    const PipelineSpec& spec) {
  TextEncoder e;
  e.dims = spec.text_hash_dims;
  e.linear = linear;
  std::vector<std::size_t> rows_per_level(column.levels.size(), 0);
  for (std::size_t r = 0; r < num_rows; ++r) {
    if (ValidCode(column, r))
      ++rows_per_level[column.codes[r]];
  }
  LevelTokens t = TokenizeLevels(column, e.dims);
  std::vector<double> df(e.dims, 0.0);
  for (std::size_t i = 0; i < column.levels.size(); ++i) {
    for (const auto& [bucket, count] : t.buckets[i])
      df[bucket] += rows_per_level[i];
  }
  // Smoothed idf, as scikit-learn's TfidfVectorizer(smooth_idf=True): every row is a document.
  const double docs = static_cast<double>(num_rows);
  e.idf.resize(e.dims);
  for (int b = 0; b < e.dims; ++b)
    e.idf[b] = std::log((1.0 + docs) / (1.0 + df[b])) + 1.0;
  if (linear) {
    std::vector<double> counts(num_rows, 0.0);
    for (std::size_t r = 0; r < num_rows; ++r) {
      if (ValidCode(column, r))
        counts[r] = static_cast<double>(t.tokens[column.codes[r]]);
    }
    e.count_affine = FitScaler(counts, spec.scaling);
  }
  return e;
}

void TextEncoder::AppendOutputs(const std::string& column, OutputList* out) const {
  for (int b = 0; b < dims; ++b)
    out->Add(column + "~tfidf" + std::to_string(b));
  out->Add(column + "~tokens");
}

void TextEncoder::Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const {
  LevelTokens t = TokenizeLevels(column, dims);
  // Normalized TF-IDF weights per level, computed once per distinct text.
  std::vector<std::vector<float>> weights(column.levels.size());
  for (std::size_t i = 0; i < column.levels.size(); ++i) {
    double norm = 0.0;
    for (const auto& [bucket, count] : t.buckets[i]) {
      double w = count * idf[bucket];
      norm += w * w;
    }
    norm = std::sqrt(norm);
    for (const auto& [bucket, count] : t.buckets[i])
      weights[i].push_back(TfidfWeight(count, idf[bucket], norm));
  }
  const std::size_t count_col = first + static_cast<std::size_t>(dims);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t r = 0; r < ctx.out->rows; ++r) {
    if (!ValidCode(column, r)) {  // missing: no tokens (the output starts all zeros)
      ctx.Put(r, count_col, linear ? count_affine.Apply(0.0, ctx.clip) : nan);
      continue;
    }
    std::size_t level = column.codes[r];
    const auto& buckets = t.buckets[level];
    for (std::size_t j = 0; j < buckets.size(); ++j) {
      ctx.Put(r, first + buckets[j].first, weights[level][j]);
    }
    double tokens = static_cast<double>(t.tokens[level]);
    ctx.Put(r, count_col, linear ? count_affine.Apply(tokens, ctx.clip) : ToFloat(tokens));
  }
}

}  // namespace kiln::features_internal
