#include "learn/forest/feature_bins.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace kiln {

FeatureBins FeatureBins::Build(const Matrix& x, int num_threads) {
  FeatureBins fb;
  fb.rows_ = x.rows;
  fb.cols_ = x.cols;
  fb.bins_.assign(x.rows * x.cols, kMissing);
  fb.columns_.resize(x.cols);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t c = next++; c < x.cols; c = next++)
      fb.BuildColumn(x, c);
  };
  const int threads =
      std::clamp(num_threads, 1, static_cast<int>(std::max<std::size_t>(x.cols, 1)));
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t)
      pool.emplace_back(work);
    work();
  }
  return fb;
}

void FeatureBins::BuildColumn(const Matrix& x, std::size_t c) {
  std::vector<float> values;
  values.reserve(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const float v = x.values[r * x.cols + c];
    if (!std::isnan(v))
      values.push_back(v);
  }
  Column& col = columns_[c];
  std::uint8_t* out = bins_.data() + c * rows_;
  if (values.empty()) {
    col.min.assign(1, 0.0f);
    col.max.assign(1, 0.0f);
    return;
  }
  std::sort(values.begin(), values.end());

  // Distinct values with their counts.
  std::vector<float> distinct;
  std::vector<std::size_t> counts;
  for (float v : values) {
    if (distinct.empty() || v != distinct.back()) {
      distinct.push_back(v);
      counts.push_back(0);
    }
    ++counts.back();
  }

  // Greedy quantile cut: close a bin once it holds its share of what remains.
  std::vector<std::size_t> last_of_bin;  // index in `distinct` of each bin's last value
  if (distinct.size() <= static_cast<std::size_t>(kMaxBins)) {
    for (std::size_t i = 0; i < distinct.size(); ++i)
      last_of_bin.push_back(i);
  } else {
    std::size_t remaining = values.size();
    std::size_t in_bin = 0;
    for (std::size_t i = 0; i < distinct.size(); ++i) {
      in_bin += counts[i];
      const std::size_t bins_left = static_cast<std::size_t>(kMaxBins) - last_of_bin.size();
      const bool last = i + 1 == distinct.size();
      if (last || (bins_left > 1 && in_bin * bins_left >= remaining)) {
        last_of_bin.push_back(i);
        remaining -= in_bin;
        in_bin = 0;
      }
    }
  }

  std::size_t first = 0;
  for (std::size_t b = 0; b < last_of_bin.size(); ++b) {
    const std::size_t end = last_of_bin[b];
    col.min.push_back(distinct[first]);
    col.max.push_back(distinct[end]);
    if (b + 1 < last_of_bin.size()) {
      const float lo = distinct[end];
      const float hi = distinct[end + 1];
      float mid = static_cast<float>((static_cast<double>(lo) + static_cast<double>(hi)) / 2);
      if (!(mid < hi))
        mid = lo;
      col.edges.push_back(mid);
    }
    first = end + 1;
  }

  for (std::size_t r = 0; r < x.rows; ++r) {
    const float v = x.values[r * x.cols + c];
    if (std::isnan(v))
      continue;
    out[r] = static_cast<std::uint8_t>(std::lower_bound(col.edges.begin(), col.edges.end(), v) -
                                       col.edges.begin());
  }
}

}  // namespace kiln
