// Test helpers for the promises every unsupervised learner makes behind FitUnsupervised and
// LoadUnsupervised: Serialize/Load restores the same transform, malformed bytes are Corruption,
// bad hyperparameters are InvalidArgument naming them, non-finite inputs count as 0, and a fit
// after the deadline is DeadlineExceeded. The k-means and PCA tests check them through these, so
// both algorithms are held to the same rules. Test-only; private to learn/unsupervised.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "learn/unsupervised/unsupervised_model.h"

namespace kiln::unsupervised_test {

// Fits `algorithm`; a failed expectation and nullptr on error.
inline std::unique_ptr<UnsupervisedModel> Fit(std::string_view algorithm, const HyperParams& hp,
                                              const Matrix& x, FitContext ctx = {}) {
  Result<std::unique_ptr<UnsupervisedModel>> m = FitUnsupervised(algorithm, hp, x, ctx);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? std::move(m).value() : nullptr;
}

// The message of the InvalidArgument that fitting is expected to fail with ("" if it succeeds).
inline std::string ErrorOf(std::string_view algorithm, const HyperParams& hp, const Matrix& x) {
  Result<std::unique_ptr<UnsupervisedModel>> m = FitUnsupervised(algorithm, hp, x, FitContext{});
  EXPECT_FALSE(m.ok());
  if (m.ok())
    return "";
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  return m.status().message();
}

// Serialize gives `expected_size` bytes, and loading them gives the same transform of `x`, the
// same Info and the same bytes again.
inline void ExpectRoundTrip(std::string_view algorithm, const UnsupervisedModel& model,
                            const Matrix& x, std::size_t expected_size) {
  const std::string bytes = *model.Serialize();
  EXPECT_EQ(bytes.size(), expected_size);
  Result<std::unique_ptr<UnsupervisedModel>> loaded = LoadUnsupervised(algorithm, bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<double> a, b;
  model.Transform(x, &a);
  (*loaded)->Transform(x, &b);
  EXPECT_EQ(a, b);
  EXPECT_EQ((*loaded)->Info(), model.Info());
  EXPECT_EQ(*(*loaded)->Serialize(), bytes);
}

inline void ExpectCorruption(std::string_view algorithm, const std::string& bytes,
                             std::string_view why) {
  Result<std::unique_ptr<UnsupervisedModel>> m = LoadUnsupervised(algorithm, bytes);
  ASSERT_FALSE(m.ok()) << why;
  EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << why;
}

// Setting x(row, col) to NaN fits and transforms exactly as setting it to 0.
inline void ExpectNonFiniteReadAsZero(std::string_view algorithm, const HyperParams& hp, Matrix x,
                                      std::size_t row, std::size_t col) {
  Matrix zeroed = x;
  x.at(row, col) = std::numeric_limits<float>::quiet_NaN();
  zeroed.at(row, col) = 0.0f;
  auto a = Fit(algorithm, hp, x);
  auto b = Fit(algorithm, hp, zeroed);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a->Serialize(), *b->Serialize());
  std::vector<double> out_a, out_b;
  a->Transform(x, &out_a);
  b->Transform(zeroed, &out_b);
  EXPECT_EQ(out_a, out_b);
}

inline void ExpectDeadlineExceeded(std::string_view algorithm, const Matrix& x) {
  FitContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  Result<std::unique_ptr<UnsupervisedModel>> m = FitUnsupervised(algorithm, {}, x, ctx);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDeadlineExceeded);
}

}  // namespace kiln::unsupervised_test
