#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "learn/unsupervised/internal/unsupervised_test_util.h"
#include "learn/unsupervised/pca_model.h"
#include "learn/unsupervised/unsupervised_model.h"

namespace kiln {
namespace {

long H(long i, long j) { return (i * 7919 + j * 104729 + i * j * 31 + 12345) % 1009; }

// Reproduced exactly (every value a multiple of 1/128) by the Python script that computed the
// reference with numpy 1.24 SVD of the (centered) data, components signed so that the entry of
// largest magnitude is positive:
//   z[i][j] = (H(i, j) % 401 - 200) / 64 (columns 0 and 1 scaled by 3 and 2), x = z M + 3,
//   50 rows, 5 columns, M as below.
Matrix ReferenceData() {
  const double m[5][5] = {
      {2, 1, 0, -1, 0}, {0, 1, 1, 0, -2}, {1, 0, -1, 2, 1}, {0, 0, 1, 1, 1}, {1, -1, 0, 0, 0.5}};
  Matrix x(50, 5);
  for (int i = 0; i < 50; ++i) {
    double z[5];
    for (int j = 0; j < 5; ++j)
      z[j] = static_cast<double>(H(i, j) % 401 - 200) / 64.0 * (j == 0 ? 3 : j == 1 ? 2 : 1);
    for (int c = 0; c < 5; ++c) {
      double s = 3.0;
      for (int j = 0; j < 5; ++j)
        s += z[j] * m[j][c];
      x.at(i, c) = static_cast<float>(s);
    }
  }
  return x;
}

struct Reference {
  std::vector<double> ratio, projections, component0;
};

// numpy's answers for 3 components; projections of rows 0..2.
const Reference kCentered = {
    {0.6636439537708115, 0.23531335375420542, 0.06549259450904964},
    {2.5088918583707214, 5.452554625347586, -6.265369010983374, -12.07166781192114,
     8.41102435115971, 4.789526282260547, 3.529536372493494, -12.272149249046727, 4.2678151257796},
    {0.7555375042556357, 0.4425659172474826, 0.0812009934320481, -0.41592081463016056,
     -0.23176445624187375}};
const Reference kUncentered = {{0.6042711433384004, 0.22944378081016867, 0.1123993201252212},
                               {0.6302816388860477, 7.926507029138331, 0.09907595030967675,
                                -14.125055071987012, 11.039961757194165, 3.8403420916695072,
                                2.049264582006636, -8.606612069456359, 8.746830193512098},
                               {0.7383658132982943, 0.42555069442394844, 0.0627720992589215,
                                -0.44160319703848083, -0.27343886363804376}};

namespace ut = unsupervised_test;

std::unique_ptr<PcaModel> Fit(const HyperParams& hp, const Matrix& x, FitContext ctx = {}) {
  std::unique_ptr<UnsupervisedModel> m = ut::Fit("pca", hp, x, ctx);
  return std::unique_ptr<PcaModel>(dynamic_cast<PcaModel*>(m.release()));
}

Matrix FirstRows(const Matrix& x, std::size_t n) {
  Matrix out(n, x.cols);
  std::copy_n(x.values.begin(), n * x.cols, out.values.begin());
  return out;
}

void ExpectMatches(const PcaModel& model, const Reference& want, double tol, const char* what) {
  const std::vector<double> ratio = model.explained_variance_ratio();
  ASSERT_EQ(ratio.size(), 3u);
  for (int c = 0; c < 3; ++c)
    EXPECT_NEAR(ratio[c], want.ratio[c], tol) << what << " ratio " << c;
  std::vector<double> proj;
  model.Transform(FirstRows(ReferenceData(), 3), &proj);
  ASSERT_EQ(proj.size(), 9u);
  for (int i = 0; i < 9; ++i)
    EXPECT_NEAR(proj[i], want.projections[i], tol * 100) << what << " projection " << i;
  for (int j = 0; j < 5; ++j)
    EXPECT_NEAR(model.components()[j], want.component0[j], tol) << what << " loading " << j;
}

TEST(PcaTest, CenteredFitMatchesNumpySvd) {
  auto model = Fit({{"num_components", "3"}}, ReferenceData());
  ASSERT_TRUE(model);
  ExpectMatches(*model, kCentered, 1e-10, "centered");
  EXPECT_EQ(model->output_names(),
            (std::vector<std::string>{"projection_1", "projection_2", "projection_3"}));
}

TEST(PcaTest, UncenteredFitMatchesNumpySvd) {
  auto model = Fit({{"n_components", "3"}, {"subtract_mean", "false"}}, ReferenceData());
  ASSERT_TRUE(model);
  ExpectMatches(*model, kUncentered, 1e-10, "uncentered");
}

TEST(PcaTest, RandomizedModeMatchesNumpySvd) {
  auto model = Fit({{"num_components", "3"}, {"algorithm_mode", "randomized"}}, ReferenceData());
  ASSERT_TRUE(model);
  ExpectMatches(*model, kCentered, 1e-9, "randomized");
  EXPECT_EQ(model->Info().at("algorithm_mode"), "randomized");
}

// 3,000 rows, 40 columns: a rank-3 signal plus small noise.
Matrix LowRankData() {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  std::vector<double> basis(3 * 40);
  for (double& b : basis)
    b = normal(rng);
  Matrix x(3000, 40);
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double f[3] = {5 * normal(rng), 3 * normal(rng), 2 * normal(rng)};
    for (std::size_t j = 0; j < 40; ++j) {
      x.at(i, j) = static_cast<float>(f[0] * basis[j] + f[1] * basis[40 + j] +
                                      f[2] * basis[80 + j] + 0.05 * normal(rng) + 1.0);
    }
  }
  return x;
}

TEST(PcaTest, RandomizedModeAgreesWithRegularModeOnWideData) {
  const Matrix x = LowRankData();
  auto regular = Fit({{"num_components", "3"}}, x);
  auto randomized = Fit({{"num_components", "3"}, {"algorithm_mode", "randomized"}}, x);
  ASSERT_TRUE(regular && randomized);
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(randomized->explained_variance_ratio()[c], regular->explained_variance_ratio()[c],
                1e-8);
  }
  for (std::size_t i = 0; i < regular->components().size(); ++i)
    EXPECT_NEAR(randomized->components()[i], regular->components()[i], 1e-6) << i;
  EXPECT_GT(regular->explained_variance_ratio()[0] + regular->explained_variance_ratio()[1] +
                regular->explained_variance_ratio()[2],
            0.99);
}

TEST(PcaTest, ComponentsAreOrthonormalAndSignedByTheirLargestLoading) {
  auto model = Fit({}, LowRankData());
  ASSERT_TRUE(model);
  ASSERT_EQ(model->num_components(), 10u);  // default min(10, rows, columns)
  const std::size_t d = model->num_features();
  const auto& v = model->components();
  for (std::size_t a = 0; a < 10; ++a) {
    std::size_t top = 0;
    for (std::size_t j = 0; j < d; ++j) {
      if (std::abs(v[a * d + j]) > std::abs(v[a * d + top]))
        top = j;
    }
    EXPECT_GT(v[a * d + top], 0) << "component " << a;
    for (std::size_t b = 0; b <= a; ++b) {
      double dot = 0;
      for (std::size_t j = 0; j < d; ++j)
        dot += v[a * d + j] * v[b * d + j];
      EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-10) << a << "," << b;
    }
    if (a > 0) {
      EXPECT_LE(model->explained_variance()[a], model->explained_variance()[a - 1]);
    }
  }
}

TEST(PcaTest, SameSeedGivesIdenticalModelsForAnyThreadCount) {
  // 10,000 rows split into three fixed tasks.
  std::mt19937_64 rng(5);
  std::normal_distribution<float> normal;
  Matrix x(10000, 6);
  for (float& v : x.values)
    v = normal(rng);
  for (const char* mode : {"regular", "randomized"}) {
    FitContext one;
    one.seed = 9;
    FitContext two = one;
    two.num_threads = 2;
    auto a = Fit({{"num_components", "2"}, {"algorithm_mode", mode}}, x, one);
    auto b = Fit({{"num_components", "2"}, {"algorithm_mode", mode}}, x, two);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a->Serialize(), *b->Serialize()) << mode;
  }
}

TEST(PcaTest, SerializeThenLoadRestoresTheModel) {
  const Matrix x = ReferenceData();
  auto model = Fit({{"num_components", "2"}}, x);
  ASSERT_TRUE(model);
  ut::ExpectRoundTrip("pca", *model, x, 28 + 8 * (5 + 2 + 2 * 5));
}

TEST(PcaTest, LoadRejectsMalformedBytesAsCorruption) {
  auto model = Fit({{"num_components", "2"}}, ReferenceData());
  ASSERT_TRUE(model);
  const std::string good = *model->Serialize();
  auto expect_corrupt = [](const std::string& bytes, const char* why) {
    ut::ExpectCorruption("pca", bytes, why);
  };
  expect_corrupt("", "empty");
  expect_corrupt(good.substr(0, good.size() - 8), "truncated");
  expect_corrupt(good + "x", "trailing");
  std::string bad = good;
  bad[1] = 'X';
  expect_corrupt(bad, "magic");
  bad = good;
  bad[8] = 2;
  expect_corrupt(bad, "subtract_mean flag");
  bad = good;
  bad[16] = 6;  // num_components > num_features
  expect_corrupt(bad, "components");
  bad = good;
  bad[bad.size() - 1] = '\x7f';
  bad[bad.size() - 2] = '\xf0';  // last loading -> +inf
  expect_corrupt(bad, "inf loading");
}

std::string ErrorOf(const HyperParams& hp, const Matrix& x) { return ut::ErrorOf("pca", hp, x); }

TEST(PcaTest, BadHyperparametersAreRejectedWithTheirName) {
  const Matrix x = ReferenceData();
  EXPECT_EQ(ErrorOf({{"num_components", "0"}}, x),
            "hyperparameter \"num_components\": 0 must be ≥ 1");
  EXPECT_EQ(ErrorOf({{"n_components", "6"}}, x),
            "hyperparameter \"num_components\": 6 exceeds min(rows 50, columns 5) = 5; lower it");
  EXPECT_NE(ErrorOf({{"num_components", "2"}, {"n_components", "2"}}, x).find("give only one"),
            std::string::npos);
  EXPECT_EQ(ErrorOf({{"subtract_mean", "maybe"}}, x),
            "hyperparameter \"subtract_mean\": \"maybe\" is not true or false");
  EXPECT_EQ(ErrorOf({{"algorithm_mode", "stable"}}, x),
            "hyperparameter \"algorithm_mode\": \"stable\" is not \"regular\" or \"randomized\"");
  EXPECT_NE(ErrorOf({{"mini_batch_size", "10"}}, x).find("not supported"), std::string::npos);
  EXPECT_NE(ErrorOf({{"whiten", "true"}}, x).find("unknown hyperparameter \"whiten\""),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"feature_dim", "4"}}, x).find("the data has 5 columns"), std::string::npos);
  EXPECT_EQ(ErrorOf({{"num_components", "2"}}, FirstRows(x, 1)),
            "hyperparameter \"num_components\": 2 exceeds min(rows 1, columns 5) = 1; lower it");
}

TEST(PcaTest, NonFiniteValuesAreTreatedAsZero) {
  ut::ExpectNonFiniteReadAsZero("pca", {{"num_components", "2"}}, ReferenceData(), 7, 2);
}

TEST(PcaTest, FitAfterTheDeadlineIsDeadlineExceeded) {
  ut::ExpectDeadlineExceeded("pca", ReferenceData());
}

}  // namespace
}  // namespace kiln
