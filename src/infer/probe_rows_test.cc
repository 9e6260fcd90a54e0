// ProbeRows draws each feature's values from its split thresholds, just below them, or NaN.
#include "infer/probe_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

namespace kiln {
namespace {

TEST(ProbeRows, ValuesSitOnBothSidesOfEachThresholdOrAreMissing) {
  SpecTree t;
  t.left = {1, -1, -1};
  t.right = {2, -1, -1};
  t.feature = {1, 0, 0};
  t.value = {3.0f, 10.0f, 20.0f};
  t.default_left = {0, 0, 0};
  ForestSpec spec;
  spec.num_features = 2;
  spec.trees = {t};
  const std::vector<float> rows = ProbeRows(spec, 200, 4);
  ASSERT_EQ(rows.size(), 400u);
  std::set<float> column1;
  int missing = 0;
  for (std::size_t r = 0; r < 200; ++r) {
    const float a = rows[2 * r];
    EXPECT_TRUE(a == 0 || std::isnan(a)) << a;  // no split reads feature 0
    const float b = rows[2 * r + 1];
    if (std::isnan(b))
      ++missing;
    else
      column1.insert(b);
  }
  EXPECT_EQ(column1, (std::set<float>{std::nextafter(3.0f, -INFINITY), 3.0f}));
  EXPECT_GT(missing, 0);
  const std::vector<float> again = ProbeRows(spec, 200, 4);  // the same bits for the same seed
  EXPECT_EQ(std::memcmp(again.data(), rows.data(), rows.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace kiln
