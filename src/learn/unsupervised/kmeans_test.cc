#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "learn/unsupervised/internal/unsupervised_test_util.h"
#include "learn/unsupervised/kmeans_model.h"
#include "learn/unsupervised/unsupervised_model.h"

namespace kiln {
namespace {

long H(long i, long j) { return (i * 7919 + j * 104729 + i * j * 31 + 12345) % 1009; }

// Reproduced exactly by the Python script that computed scikit-learn 1.2.1's inertias once:
//   x[i][j] = (H(i, j) % 401 - 200) / 64 + (j == i % 3 ? (i % 4) * 2.5 : 0), 400 rows, 3 columns.
Matrix ReferenceData() {
  Matrix x(400, 3);
  for (int i = 0; i < 400; ++i) {
    for (int j = 0; j < 3; ++j) {
      x.at(i, j) = static_cast<float>(H(i, j) % 401 - 200) / 64.0f +
                   (j == i % 3 ? static_cast<float>(i % 4) * 2.5f : 0.0f);
    }
  }
  return x;
}

// Three tight blobs of 50 rows around (0, 0), (10, 10) and (-10, 10); row i is in blob i % 3.
Matrix Blobs() {
  const float centers[3][2] = {{0, 0}, {10, 10}, {-10, 10}};
  std::mt19937_64 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.5f);
  Matrix x(150, 2);
  for (int i = 0; i < 150; ++i) {
    for (int j = 0; j < 2; ++j)
      x.at(i, j) = centers[i % 3][j] + noise(rng);
  }
  return x;
}

namespace ut = unsupervised_test;

std::unique_ptr<UnsupervisedModel> Fit(const HyperParams& hp, const Matrix& x,
                                       FitContext ctx = {}) {
  return ut::Fit("kmeans", hp, x, ctx);
}

std::string ErrorOf(const HyperParams& hp, const Matrix& x) { return ut::ErrorOf("kmeans", hp, x); }

TEST(KMeansTest, RecoversWellSeparatedBlobsWithEitherInit) {
  const Matrix x = Blobs();
  for (const char* init : {"k-means++", "random"}) {
    auto model = Fit({{"k", "3"}, {"init", init}}, x);
    ASSERT_TRUE(model);
    std::vector<double> out;
    model->Transform(x, &out);
    std::set<double> blob_labels;
    for (int b = 0; b < 3; ++b) {
      for (int i = b; i < 150; i += 3)
        EXPECT_EQ(out[2 * i], out[2 * b]) << init << " row " << i;
      blob_labels.insert(out[2 * b]);
    }
    EXPECT_EQ(blob_labels.size(), 3u) << init;
    const auto& km = dynamic_cast<const KMeansModel&>(*model);
    const int c = static_cast<int>(out[2 * 2]);  // row 2 is in blob 2, around (-10, 10)
    EXPECT_NEAR(km.centers()[2 * c], -10.0, 0.3) << init;
    EXPECT_NEAR(km.centers()[2 * c + 1], 10.0, 0.3) << init;
  }
}

TEST(KMeansTest, InertiaIsWithinTwoPercentOfScikitLearn) {
  // scikit-learn KMeans(n_clusters=k, n_init=10, random_state=0).inertia_.
  const Matrix x = ReferenceData();
  const std::vector<std::pair<int, double>> reference = {{3, 5427.388739762253},
                                                         {5, 3374.6575734962935}};
  for (const auto& [k, want] : reference) {
    auto model = Fit({{"k", std::to_string(k)}}, x);
    ASSERT_TRUE(model);
    const double inertia = dynamic_cast<const KMeansModel&>(*model).inertia();
    EXPECT_NEAR(inertia / want, 1.0, 0.02) << "k=" << k << " inertia " << inertia;
  }
}

TEST(KMeansTest, TransformGivesTheClosestCenterAndItsEuclideanDistance) {
  const Matrix x = ReferenceData();
  auto model = Fit({{"n_clusters", "5"}}, x);
  ASSERT_TRUE(model);
  const auto& km = dynamic_cast<const KMeansModel&>(*model);
  EXPECT_EQ(model->output_names(),
            (std::vector<std::string>{"closest_cluster", "distance_to_cluster"}));
  std::vector<double> out;
  model->Transform(x, &out);
  ASSERT_EQ(out.size(), 2 * x.rows);
  double inertia = 0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < 5; ++c) {
      double s = 0;
      for (std::size_t j = 0; j < 3; ++j) {
        const double diff = x.at(i, j) - km.centers()[c * 3 + j];
        s += diff * diff;
      }
      best = std::min(best, std::sqrt(s));
    }
    EXPECT_NEAR(out[2 * i + 1], best, 1e-9) << "row " << i;
    const auto c = static_cast<std::size_t>(out[2 * i]);
    double s = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      const double diff = x.at(i, j) - km.centers()[c * 3 + j];
      s += diff * diff;
    }
    EXPECT_DOUBLE_EQ(out[2 * i + 1], std::sqrt(s));
    inertia += s;
  }
  EXPECT_NEAR(km.inertia(), inertia, 1e-9 * inertia);
  const auto info = model->Info();
  EXPECT_EQ(info.at("k"), "5");
  EXPECT_GE(std::stoi(info.at("iterations")), 1);
  EXPECT_NEAR(std::stod(info.at("inertia")), inertia, 1e-9 * inertia);
}

TEST(KMeansTest, SameSeedGivesIdenticalModelsForAnyThreadCount) {
  // 10,000 rows span three assignment chunks.
  std::mt19937_64 rng(3);
  std::normal_distribution<float> normal;
  Matrix x(10000, 4);
  for (float& v : x.values)
    v = normal(rng);
  FitContext one;
  one.seed = 42;
  FitContext two = one;
  two.num_threads = 2;
  auto a = Fit({{"k", "6"}}, x, one);
  auto b = Fit({{"k", "6"}}, x, two);
  auto c = Fit({{"k", "6"}}, x, one);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a->Serialize(), *b->Serialize());
  EXPECT_EQ(*a->Serialize(), *c->Serialize());
}

TEST(KMeansTest, KEqualToRowsPutsEveryRowOnItsOwnCenter) {
  const Matrix x = Blobs();
  Matrix few(4, 2);
  std::copy_n(x.values.begin(), 8, few.values.begin());
  auto model = Fit({{"k", "4"}}, few);
  ASSERT_TRUE(model);
  EXPECT_EQ(dynamic_cast<const KMeansModel&>(*model).inertia(), 0.0);
}

TEST(KMeansTest, NonFiniteValuesAreTreatedAsZero) {
  ut::ExpectNonFiniteReadAsZero("kmeans", {{"k", "3"}}, Blobs(), 4, 1);
}

TEST(KMeansTest, SerializeThenLoadRestoresTheModel) {
  const Matrix x = ReferenceData();
  auto model = Fit({{"k", "4"}, {"init", "random"}}, x);
  ASSERT_TRUE(model);
  ut::ExpectRoundTrip("kmeans", *model, x, 28 + 8 * 4 * 3);
}

TEST(KMeansTest, LoadRejectsMalformedBytesAsCorruption) {
  auto model = Fit({{"k", "3"}}, Blobs());
  ASSERT_TRUE(model);
  const std::string good = *model->Serialize();
  auto expect_corrupt = [](const std::string& bytes, const char* why) {
    ut::ExpectCorruption("kmeans", bytes, why);
  };
  expect_corrupt("", "empty");
  expect_corrupt(good.substr(0, good.size() - 1), "truncated");
  expect_corrupt(good + "x", "trailing");
  std::string bad = good;
  bad[0] = 'X';
  expect_corrupt(bad, "magic");
  bad = good;
  bad[4] = 9;
  expect_corrupt(bad, "version");
  bad = good;
  bad[8] = 0;  // k = 0
  expect_corrupt(bad, "k");
  bad = good;
  bad[15] = '\x7f';  // dims ~ 2^31
  expect_corrupt(bad, "dims");
  bad = good;
  bad[bad.size() - 1] = '\x7f';
  bad[bad.size() - 2] = '\xf8';
  expect_corrupt(bad, "nan center");
}

TEST(KMeansTest, BadHyperparametersAreRejectedWithTheirName) {
  const Matrix x = Blobs();
  EXPECT_EQ(ErrorOf({{"k", "0"}}, x), "hyperparameter \"k\": 0 must be ≥ 1");
  EXPECT_EQ(ErrorOf({{"n_clusters", "-2"}}, x), "hyperparameter \"n_clusters\": -2 must be ≥ 1");
  EXPECT_EQ(ErrorOf({{"max_iter", "0"}}, x), "hyperparameter \"max_iter\": 0 must be ≥ 1");
  EXPECT_EQ(ErrorOf({{"n_init", "x"}}, x), "hyperparameter \"n_init\": \"x\" is not an integer");
  EXPECT_EQ(ErrorOf({{"tol", "-1"}}, x), "hyperparameter \"tol\": -1 must be ≥ 0");
  EXPECT_EQ(ErrorOf({{"init", "forgy"}}, x),
            "hyperparameter \"init\": \"forgy\" is not \"k-means++\" or \"random\"");
  EXPECT_NE(ErrorOf({{"k", "3"}, {"n_clusters", "3"}}, x).find("give only one"), std::string::npos);
  EXPECT_NE(ErrorOf({{"mini_batch_size", "100"}}, x).find("mini_batch_size"), std::string::npos);
  EXPECT_NE(ErrorOf({{"epochs", "1"}}, x).find("unknown hyperparameter \"epochs\""),
            std::string::npos);
  EXPECT_EQ(ErrorOf({{"k", "151"}}, x),
            "hyperparameter \"k\": 151 exceeds the 150 training rows; lower k or add rows");
  EXPECT_NE(ErrorOf({{"k", "3"}, {"feature_dim", "3"}}, x).find("the data has 2 columns"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"k", "3"}}, Matrix()).find("no rows"), std::string::npos);
}

TEST(KMeansTest, SageMakerNamesAreAccepted) {
  auto model = Fit({{"k", "3"}, {"init_method", "kmeans++"}, {"feature_dim", "2"}}, Blobs());
  ASSERT_TRUE(model);
  EXPECT_EQ(model->Info().at("k"), "3");
}

TEST(KMeansTest, FitAfterTheDeadlineIsDeadlineExceeded) {
  ut::ExpectDeadlineExceeded("kmeans", Blobs());
}

TEST(UnsupervisedTest, UnknownAlgorithmsAreRejected) {
  EXPECT_EQ(UnsupervisedAlgorithms(), (std::vector<std::string>{"kmeans", "pca"}));
  Result<std::unique_ptr<UnsupervisedModel>> m = FitUnsupervised("dbscan", {}, Blobs(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "unknown unsupervised algorithm \"dbscan\"; expected one of: kmeans, pca");
  EXPECT_FALSE(LoadUnsupervised("dbscan", "").ok());
}

}  // namespace
}  // namespace kiln
