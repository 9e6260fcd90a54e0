#include "learn/cross_validation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace kiln {
namespace {

// 60 rows of class 0, 30 of class 1, 7 of class 2, interleaved.
std::vector<float> ImbalancedLabels() {
  std::vector<float> y;
  for (int i = 0; i < 60; ++i)
    y.push_back(0);
  for (int i = 0; i < 30; ++i)
    y.push_back(1);
  for (int i = 0; i < 7; ++i)
    y.push_back(2);
  std::vector<float> interleaved;
  for (std::size_t i = 0; i < y.size(); ++i)
    interleaved.push_back(y[(i * 37) % y.size()]);
  return interleaved;
}

// train and valid are ascending, disjoint, and together hold rows 0..n-1.
void ExpectTrainIsComplement(const Fold& f, std::size_t n) {
  EXPECT_TRUE(std::is_sorted(f.train.begin(), f.train.end()));
  EXPECT_TRUE(std::is_sorted(f.valid.begin(), f.valid.end()));
  EXPECT_EQ(f.train.size() + f.valid.size(), n);
  std::vector<bool> seen(n, false);
  for (const auto* rows : {&f.train, &f.valid}) {
    for (std::size_t i : *rows) {
      ASSERT_LT(i, n);
      EXPECT_FALSE(seen[i]) << "row " << i << " in both train and valid";
      seen[i] = true;
    }
  }
}

// Every fold splits all rows, and every row is valid in exactly one fold.
void ExpectPartition(const std::vector<Fold>& folds, std::size_t n) {
  std::vector<int> valid_count(n, 0);
  for (const Fold& f : folds) {
    ExpectTrainIsComplement(f, n);
    for (std::size_t i : f.valid)
      ++valid_count[i];
  }
  for (std::size_t i = 0; i < n; ++i)
    EXPECT_EQ(valid_count[i], 1) << "row " << i;
}

int CountClass(const std::vector<float>& y, const std::vector<std::size_t>& rows, float c) {
  return static_cast<int>(
      std::count_if(rows.begin(), rows.end(), [&](std::size_t i) { return y[i] == c; }));
}

TEST(CrossValidationTest, EveryRowIsValidInExactlyOneFold) {
  const std::vector<float> y = ImbalancedLabels();
  ExpectPartition(MakeFolds(Task::kMulticlass, y, 5, 7), y.size());
  ExpectPartition(MakeFolds(Task::kRegression, y, 3, 7), y.size());
  ExpectPartition(MakeFolds(Task::kBinary, std::vector<float>{0, 1}, 2, 1), 2);
}

TEST(CrossValidationTest, ClassificationFoldsKeepEachClassShare) {
  const std::vector<float> y = ImbalancedLabels();
  const std::vector<Fold> folds = MakeFolds(Task::kMulticlass, y, 5, 42);
  ASSERT_EQ(folds.size(), 5u);
  int folds_with_class2 = 0;
  for (const Fold& f : folds) {
    EXPECT_EQ(CountClass(y, f.valid, 0), 12);
    EXPECT_EQ(CountClass(y, f.valid, 1), 6);
    const int c2 = CountClass(y, f.valid, 2);
    EXPECT_TRUE(c2 == 1 || c2 == 2) << c2;
    folds_with_class2 += c2 > 0;
    EXPECT_TRUE(f.valid.size() == 19 || f.valid.size() == 20) << f.valid.size();
  }
  EXPECT_EQ(folds_with_class2, 5);
}

TEST(CrossValidationTest, RareClassLandsInAsManyFoldsAsItHasRows) {
  std::vector<float> y(20, 0);
  y[3] = y[11] = 1;
  const std::vector<Fold> folds = MakeFolds(Task::kBinary, y, 4, 3);
  int with_positive = 0;
  for (const Fold& f : folds) {
    const int c = CountClass(y, f.valid, 1);
    EXPECT_LE(c, 1);
    with_positive += c;
  }
  EXPECT_EQ(with_positive, 2);
}

TEST(CrossValidationTest, SameSeedGivesSameFoldsAndOtherSeedsDiffer) {
  const std::vector<float> y = ImbalancedLabels();
  for (Task t : {Task::kMulticlass, Task::kRegression}) {
    const std::vector<Fold> a = MakeFolds(t, y, 4, 123);
    const std::vector<Fold> b = MakeFolds(t, y, 4, 123);
    const std::vector<Fold> c = MakeFolds(t, y, 4, 124);
    ASSERT_EQ(a.size(), b.size());
    bool differs = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].valid, b[i].valid);
      EXPECT_EQ(a[i].train, b[i].train);
      differs |= a[i].valid != c[i].valid;
    }
    EXPECT_TRUE(differs);
  }
}

TEST(CrossValidationTest, FoldsAreShuffledNotContiguous) {
  std::vector<float> y(100);
  for (int i = 0; i < 100; ++i)
    y[i] = static_cast<float>(i);
  const std::vector<Fold> folds = MakeFolds(Task::kRegression, y, 4, 9);
  for (const Fold& f : folds) {
    EXPECT_EQ(f.valid.size(), 25u);
    EXPECT_GT(f.valid.back() - f.valid.front(), 30u);
  }
}

TEST(CrossValidationTest, HoldoutIsStratifiedAndSized) {
  const std::vector<float> y = ImbalancedLabels();
  const Fold f = MakeHoldout(Task::kMulticlass, y, 0.2, 5);
  ExpectTrainIsComplement(f, y.size());
  EXPECT_EQ(f.valid.size(), 19u);  // round(0.2 * 97)
  // Each class gets its share of the 19 (60, 30 and 7 of 97 rows) within one row.
  for (auto [c, rows] : {std::pair{0.0f, 60}, std::pair{1.0f, 30}, std::pair{2.0f, 7}}) {
    EXPECT_NEAR(CountClass(y, f.valid, c), rows * 19.0 / 97.0, 1.0) << "class " << c;
  }
  const Fold again = MakeHoldout(Task::kMulticlass, y, 0.2, 5);
  EXPECT_EQ(f.valid, again.valid);
}

TEST(CrossValidationTest, HoldoutKeepsOneRowOnEachSide) {
  const std::vector<float> y = {0, 1, 0};
  const Fold tiny = MakeHoldout(Task::kBinary, y, 0.01, 1);
  EXPECT_EQ(tiny.valid.size(), 1u);
  const Fold big = MakeHoldout(Task::kRegression, y, 0.99, 1);
  EXPECT_EQ(big.train.size(), 1u);
}

}  // namespace
}  // namespace kiln
