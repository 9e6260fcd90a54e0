// ProbeRows: thresholds gathered per feature, then drawn with a seeded generator; see the header.
#include "infer/probe_rows.h"

#include <cmath>
#include <limits>
#include <random>

namespace kiln {

std::vector<float> ProbeRows(const ForestSpec& spec, std::size_t rows, std::uint64_t seed) {
  const std::size_t nf = spec.num_features;
  std::vector<std::vector<float>> thresholds(nf);
  for (const SpecTree& t : spec.trees) {
    for (std::size_t n = 0; n < t.left.size() && n < t.feature.size() && n < t.value.size(); ++n) {
      if (t.left[n] < 0 || t.feature[n] < 0 || static_cast<std::size_t>(t.feature[n]) >= nf)
        continue;
      std::vector<float>& th = thresholds[t.feature[n]];
      if (!t.is_categorical(n)) {
        th.push_back(t.value[n]);
        continue;
      }
      // A categorical split: its categories and the one after each (just above a category's
      // float, so `nextafter` below gives the category's integer too).
      for (const std::int32_t c : t.categories[n]) {
        th.push_back(static_cast<float>(c));
        th.push_back(static_cast<float>(c + 1));
      }
    }
  }
  std::mt19937_64 rng(seed);
  std::vector<float> out(rows * nf);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < nf; ++c) {
      const std::vector<float>& th = thresholds[c];
      const std::uint64_t pick = rng();
      float v = 0;
      if (pick % 8 == 0) {
        v = std::numeric_limits<float>::quiet_NaN();
      } else if (!th.empty()) {
        v = th[(pick >> 8) % th.size()];
        if (pick % 2 == 0)
          v = std::nextafter(v, -std::numeric_limits<float>::infinity());
      }
      out[r * nf + c] = v;
    }
  }
  return out;
}

}  // namespace kiln
