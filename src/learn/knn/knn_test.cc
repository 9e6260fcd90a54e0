#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "learn/knn/knn_learner.h"
#include "learn/knn/knn_model.h"

namespace kiln {
namespace {

// Reference data, reproduced exactly by the Python script that computed the expected values once
// with scikit-learn 1.2.1 (KNeighborsClassifier / KNeighborsRegressor, algorithm="brute"):
//   H(i, j) = (i*7919 + j*104729 + i*j*31 + 12345) % 1009
//   train x[i][j] = (H(i, j) % 401 - 200) / 64, i < 60, j < 3
//   query q[i][j] = (H(i + 1000, j) % 401 - 200) / 64, i < 8
//   y3 = H(i, 7) % 3, y2 = H(i, 8) % 2, yr = (H(i, 9) % 201 - 100) / 16
// The 5th and 6th nearest distances differ by >= 0.01 for every query, so there are no ties.
constexpr int kN = 60;
constexpr int kD = 3;
constexpr int kQ = 8;

long H(long i, long j) { return (i * 7919 + j * 104729 + i * j * 31 + 12345) % 1009; }

Matrix Grid(int rows, long offset) {
  Matrix x(rows, kD);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < kD; ++j)
      x.at(i, j) = static_cast<float>(H(i + offset, j) % 401 - 200) / 64.0f;
  }
  return x;
}

struct RefData {
  Matrix x = Grid(kN, 0);
  Matrix q = Grid(kQ, 1000);
  std::vector<float> y3, y2, yr;
  RefData() {
    for (int i = 0; i < kN; ++i) {
      y3.push_back(static_cast<float>(H(i, 7) % 3));
      y2.push_back(static_cast<float>(H(i, 8) % 2));
      yr.push_back(static_cast<float>(H(i, 9) % 201 - 100) / 16.0f);
    }
  }
};

const RefData& Ref() {
  static const RefData* data = new RefData();
  return *data;
}

std::unique_ptr<Model> Fit(const HyperParams& hp, Task task, int classes, const Matrix& x,
                           std::span<const float> y, std::span<const float> weights = {}) {
  Result<std::unique_ptr<Learner>> learner = MakeKnnLearner(hp, task, classes);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  if (!learner.ok())
    return nullptr;
  TrainSet train{&x, y, weights, {}};
  Result<std::unique_ptr<Model>> model = (*learner)->Fit(train, nullptr, FitContext{});
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? std::move(model).value() : nullptr;
}

std::vector<double> PredictOf(const Model& m, const Matrix& x) {
  std::vector<double> out;
  m.Predict(x, &out);
  return out;
}

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want, double tol,
                const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol) << what << " at " << i;
}

struct SklearnCase {
  int p;
  const char* weights;
  std::vector<double> multi, binary, regression;
};

const std::vector<SklearnCase>& SklearnCases() {
  static const auto* cases = new std::vector<SklearnCase>{
      {1,
       "uniform",
       {0.4, 0.2, 0.4, 0.2, 0.4, 0.4, 0.4, 0.0, 0.6, 0.4, 0.6, 0.0,
        0.6, 0.4, 0.0, 0.2, 0.4, 0.4, 0.0, 0.6, 0.4, 0.4, 0.4, 0.2},
       {1.0, 0.4, 0.6, 0.6, 0.6, 0.4, 0.6, 1.0},
       {0.7375, -2.4875, 1.1625, -0.1125, 2.325, -2.4875, 0.4125, -1.1125}},
      {1,
       "distance",
       {0.5515523485119505,
        0.2137673303404305,
        0.23468032114761905,
        0.23492627137762945,
        0.40662343829892356,
        0.35845029032344694,
        0.35291823033002684,
        0.0,
        0.6470817696699731,
        0.668439050203569,
        0.3315609497964311,
        0.0,
        0.39708441569093694,
        0.602915584309063,
        0.0,
        0.1588245397998255,
        0.41300339992975266,
        0.428172060270422,
        0.0,
        0.5781718419946328,
        0.42182815800536727,
        0.29632595417737223,
        0.5798888561284251,
        0.12378518969420255},
       {1.0, 0.35845029032344694, 0.36698793607471375, 0.8172639718872102, 0.4202066108215901,
        0.428172060270422, 0.4622722150027033, 1.0},
       {2.222009911026438, -2.437145774890571, -0.15623868346058747, 1.710771044552219,
        1.3547075322666384, -2.4048781785597386, 0.6838368834679436, -1.1919503298395104}},
      {2,
       "uniform",
       {0.6, 0.2, 0.2, 0.2, 0.2, 0.6, 0.4, 0.0, 0.6, 0.2, 0.6, 0.2,
        0.4, 0.6, 0.0, 0.2, 0.6, 0.2, 0.2, 0.4, 0.4, 0.4, 0.4, 0.2},
       {1.0, 0.4, 0.4, 0.6, 0.4, 0.4, 0.4, 1.0},
       {2.2625, -1.5625, 0.5125, -1.0875, 0.4125, -0.925, 2.1375, -1.1125}},
      {2,
       "distance",
       {0.6666936936387842,
        0.2063526331181772,
        0.12695367324303863,
        0.1999149072353949,
        0.2199353505200088,
        0.5801497422445964,
        0.3446719480152388,
        0.0,
        0.6553280519847611,
        0.5954562684753267,
        0.32322134578100825,
        0.08132238574366485,
        0.28865431490515475,
        0.7113456850948452,
        0.0,
        0.15770854675571858,
        0.5114683500572427,
        0.3308231031870388,
        0.14532943357792222,
        0.4303964822968501,
        0.4242740841252276,
        0.32494180255835287,
        0.551043785079818,
        0.12401441236182913},
       {1.0, 0.4035420241580099, 0.2646590431376895, 0.806600112012334, 0.2690741542947433,
        0.43290328126707056, 0.2992110566029108, 1.0},
       {3.051619576144037, -1.699443086636281, -0.44045194970362006, 1.4191077126342693,
        0.11768642678530582, -1.6558533419221213, 1.9558381956249666, -1.0955951733621507}},
  };
  return *cases;
}

TEST(KnnTest, PredictionsMatchScikitLearnForEveryMetricAndWeighting) {
  const RefData& d = Ref();
  for (const SklearnCase& c : SklearnCases()) {
    const std::string what = "p=" + std::to_string(c.p) + " weights=" + c.weights;
    const HyperParams hp = {
        {"n_neighbors", "5"}, {"p", std::to_string(c.p)}, {"weights", c.weights}};
    auto multi = Fit(hp, Task::kMulticlass, 3, d.x, d.y3);
    auto binary = Fit(hp, Task::kBinary, 2, d.x, d.y2);
    auto regression = Fit(hp, Task::kRegression, 0, d.x, d.yr);
    ASSERT_TRUE(multi && binary && regression);
    ExpectNear(PredictOf(*multi, d.q), c.multi, 1e-12, what + " multiclass");
    ExpectNear(PredictOf(*binary, d.q), c.binary, 1e-12, what + " binary");
    ExpectNear(PredictOf(*regression, d.q), c.regression, 1e-6, what + " regression");
  }
}

TEST(KnnTest, NeighboursMatchScikitLearnIndicesAndDistances) {
  const RefData& d = Ref();
  auto model = Fit({}, Task::kMulticlass, 3, d.x, d.y3);
  ASSERT_TRUE(model);
  std::vector<std::uint32_t> idx;
  std::vector<double> dist;
  dynamic_cast<const KnnModel&>(*model).Kneighbors(d.q, 1, &idx, &dist);
  const std::vector<std::uint32_t> want_idx = {24, 57, 46, 7, 40, 29, 54, 21, 42, 48};
  const std::vector<double> want_dist = {
      0.41102957618643454, 0.8220591523728691, 1.3320713428716946, 1.3361887556123948,
      1.3394735731342369,  1.5399941659792091, 1.5731667157758582, 1.7307112203152206,
      1.9343472332417466,  1.959115812203301};
  EXPECT_EQ(std::vector<std::uint32_t>(idx.begin(), idx.begin() + 10), want_idx);
  ExpectNear(std::vector<double>(dist.begin(), dist.begin() + 10), want_dist, 1e-12, "distance");
}

// Exact double-precision brute force: the k smallest (distance, index) pairs per query.
void ReferenceSearch(const Matrix& train, const Matrix& q, int k, int p,
                     std::vector<std::uint32_t>* idx, std::vector<double>* dist) {
  idx->clear();
  dist->clear();
  std::vector<std::pair<double, std::uint32_t>> all(train.rows);
  for (std::size_t i = 0; i < q.rows; ++i) {
    for (std::size_t t = 0; t < train.rows; ++t) {
      double s = 0;
      for (std::size_t j = 0; j < q.cols; ++j) {
        const double diff = static_cast<double>(q.at(i, j)) - train.at(t, j);
        s += p == 2 ? diff * diff : std::abs(diff);
      }
      all[t] = {p == 2 ? std::sqrt(s) : s, static_cast<std::uint32_t>(t)};
    }
    std::sort(all.begin(), all.end());
    for (int c = 0; c < k; ++c) {
      idx->push_back(all[c].second);
      dist->push_back(all[c].first);
    }
  }
}

Matrix RandomMatrix(std::size_t rows, std::size_t cols, float offset, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Matrix x(rows, cols);
  for (float& v : x.values)
    v = offset + normal(rng);
  return x;
}

TEST(KnnTest, NeighboursEqualExactBruteForceAcrossBlocksAndThreadCounts) {
  // 2,500 training rows span three training blocks, 600 queries three query blocks; the offset of
  // 30 makes ||a||^2 + ||b||^2 - 2ab cancel badly in float, which the exact re-ranking must fix.
  const Matrix train = RandomMatrix(2500, 7, 30.0f, 1);
  const Matrix q = RandomMatrix(600, 7, 30.0f, 2);
  std::vector<float> y(train.rows, 0.0f);
  for (int p : {1, 2}) {
    auto model =
        Fit({{"n_neighbors", "7"}, {"p", std::to_string(p)}}, Task::kRegression, 0, train, y);
    ASSERT_TRUE(model);
    const auto& knn = dynamic_cast<const KnnModel&>(*model);
    std::vector<std::uint32_t> want_idx, idx1, idx3;
    std::vector<double> want_dist, dist1, dist3;
    ReferenceSearch(train, q, 7, p, &want_idx, &want_dist);
    knn.Kneighbors(q, 1, &idx1, &dist1);
    knn.Kneighbors(q, 3, &idx3, &dist3);
    EXPECT_EQ(idx1, want_idx) << "p=" << p;
    ExpectNear(dist1, want_dist, 1e-9, "p=" + std::to_string(p));
    EXPECT_EQ(idx3, idx1) << "p=" << p;
    EXPECT_EQ(dist3, dist1) << "p=" << p;
  }
}

TEST(KnnTest, DistanceWeightingGivesExactMatchesTheWholeVote) {
  const RefData& d = Ref();
  auto model = Fit({{"weights", "distance"}}, Task::kRegression, 0, d.x, d.yr);
  ASSERT_TRUE(model);
  Matrix q(1, kD);
  for (int j = 0; j < kD; ++j)
    q.at(0, j) = d.x.at(17, j);
  EXPECT_DOUBLE_EQ(PredictOf(*model, q)[0], d.yr[17]);
}

TEST(KnnTest, PredictMarginIsTheLogOfVoteSharesSmoothedByOneExtraVote) {
  const RefData& d = Ref();
  auto binary = Fit({}, Task::kBinary, 2, d.x, d.y2);
  auto multi = Fit({}, Task::kMulticlass, 3, d.x, d.y3);
  ASSERT_TRUE(binary && multi);
  std::vector<double> prob, margin;
  binary->Predict(d.q, &prob);
  binary->PredictMargin(d.q, &margin);
  ASSERT_EQ(prob[0], 1.0);  // unanimous: p' = (5 + 1/2) / 6, margin log(11)
  EXPECT_NEAR(margin[0], std::log(11.0), 1e-12);
  for (std::size_t i = 0; i < prob.size(); ++i) {
    const double smoothed = (5 * prob[i] + 0.5) / 6;
    EXPECT_NEAR(margin[i], std::log(smoothed / (1 - smoothed)), 1e-12);
  }
  multi->Predict(d.q, &prob);
  multi->PredictMargin(d.q, &margin);
  for (std::size_t r = 0; r < kQ; ++r) {
    double z = 0;
    for (int c = 0; c < 3; ++c) {
      ASSERT_TRUE(std::isfinite(margin[r * 3 + c]));
      z += std::exp(margin[r * 3 + c]);
    }
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(std::exp(margin[r * 3 + c]) / z, (5 * prob[r * 3 + c] + 1.0 / 3) / 6, 1e-12);
    }
  }
}

TEST(KnnTest, RowWeightsScaleVotesAndZeroWeightRowsNeverVote) {
  // Five rows on a line; the query at 0 has neighbours 0, 1, -1 (k = 3) unless row 0 is dropped.
  Matrix x(5, 1);
  const float xs[] = {0.0f, 1.0f, -1.0f, 3.0f, 4.0f};
  std::copy(std::begin(xs), std::end(xs), x.values.begin());
  const std::vector<float> y = {1, 0, 0, 1, 1};
  Matrix q(1, 1);
  q.at(0, 0) = 0.1f;
  auto plain = Fit({{"n_neighbors", "3"}}, Task::kBinary, 2, x, y);
  const std::vector<float> heavy = {4, 1, 1, 1, 1};
  auto weighted = Fit({{"n_neighbors", "3"}}, Task::kBinary, 2, x, y, heavy);
  const std::vector<float> drop = {0, 1, 1, 1, 1};
  auto dropped = Fit({{"n_neighbors", "3"}}, Task::kBinary, 2, x, y, drop);
  ASSERT_TRUE(plain && weighted && dropped);
  EXPECT_NEAR(PredictOf(*plain, q)[0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(PredictOf(*weighted, q)[0], 4.0 / 6, 1e-12);
  EXPECT_NEAR(PredictOf(*dropped, q)[0], 1.0 / 3, 1e-12);  // neighbours 1, -1, 3
  EXPECT_EQ(dynamic_cast<const KnnModel&>(*dropped).train().rows, 4u);
}

TEST(KnnTest, NonFiniteFeaturesAreTreatedAsZero) {
  const RefData& d = Ref();
  Matrix x = d.x;
  Matrix zeroed = d.x;
  x.at(3, 1) = std::numeric_limits<float>::quiet_NaN();
  x.at(9, 0) = std::numeric_limits<float>::infinity();
  zeroed.at(3, 1) = 0.0f;
  zeroed.at(9, 0) = 0.0f;
  auto with_nan = Fit({}, Task::kRegression, 0, x, d.yr);
  auto with_zero = Fit({}, Task::kRegression, 0, zeroed, d.yr);
  ASSERT_TRUE(with_nan && with_zero);
  Matrix q = d.q;
  Matrix q_zero = d.q;
  q.at(2, 2) = std::numeric_limits<float>::quiet_NaN();
  q_zero.at(2, 2) = 0.0f;
  EXPECT_EQ(PredictOf(*with_nan, q), PredictOf(*with_zero, q_zero));
}

TEST(KnnTest, SerializeThenLoadGivesIdenticalPredictions) {
  const RefData& d = Ref();
  auto model = Fit({{"weights", "distance"}, {"p", "1"}, {"n_neighbors", "4"}}, Task::kMulticlass,
                   3, d.x, d.y3);
  ASSERT_TRUE(model);
  Result<std::string> bytes = model->Serialize();
  ASSERT_TRUE(bytes.ok());
  Result<std::unique_ptr<Model>> loaded = LoadKnnModel(*bytes, Task::kMulticlass, 3);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(PredictOf(**loaded, d.q), PredictOf(*model, d.q));
  EXPECT_EQ((*loaded)->Info(), model->Info());
  EXPECT_EQ(*(*loaded)->Serialize(), *bytes);
  EXPECT_EQ(bytes->size(), 32u + 4 * (kN * kD + 2 * kN));
}

void ExpectCorruption(const std::string& bytes, Task task, int classes, const std::string& why) {
  Result<std::unique_ptr<Model>> m = LoadKnnModel(bytes, task, classes);
  ASSERT_FALSE(m.ok()) << why;
  EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << why << ": " << m.status().ToString();
}

TEST(KnnTest, LoadRejectsMalformedBytesAsCorruption) {
  const RefData& d = Ref();
  auto model = Fit({}, Task::kMulticlass, 3, d.x, d.y3);
  ASSERT_TRUE(model);
  const std::string good = *model->Serialize();
  ExpectCorruption("", Task::kMulticlass, 3, "empty");
  ExpectCorruption(good.substr(0, good.size() - 1), Task::kMulticlass, 3, "truncated");
  ExpectCorruption(good + "x", Task::kMulticlass, 3, "trailing byte");
  std::string bad = good;
  bad[0] = 'X';
  ExpectCorruption(bad, Task::kMulticlass, 3, "magic");
  bad = good;
  bad[4] = 2;
  ExpectCorruption(bad, Task::kMulticlass, 3, "version");
  bad = good;
  bad[10] = 3;
  ExpectCorruption(bad, Task::kMulticlass, 3, "p");
  bad = good;
  bad[16] = 61;  // n_neighbors > rows
  ExpectCorruption(bad, Task::kMulticlass, 3, "n_neighbors");
  bad = good;
  bad[27] = '\x7f';  // rows ~ 2^63
  ExpectCorruption(bad, Task::kMulticlass, 3, "huge rows");
  bad = good;
  bad[32 + 3] = '\x7f';  // first feature's exponent -> NaN
  bad[32 + 2] = '\xc0';
  ExpectCorruption(bad, Task::kMulticlass, 3, "nan feature");
  bad = good;
  const std::size_t label0 = 32 + 4 * kN * kD;
  bad[label0 + 3] = '\x40';  // first label -> 4.0f (0x40800000), not a class index
  bad[label0 + 2] = '\x80';
  bad[label0 + 1] = 0;
  bad[label0] = 0;
  ExpectCorruption(bad, Task::kMulticlass, 3, "label 4");
  ExpectCorruption(good, Task::kBinary, 2, "other task");
  ExpectCorruption(good, Task::kMulticlass, 4, "other class count");
}

std::string ErrorOf(const HyperParams& hp) {
  Result<std::unique_ptr<Learner>> learner = MakeKnnLearner(hp, Task::kBinary, 2);
  EXPECT_FALSE(learner.ok());
  if (learner.ok())
    return "";
  EXPECT_EQ(learner.status().code(), StatusCode::kInvalidArgument);
  return learner.status().message();
}

TEST(KnnTest, BadHyperparametersAreRejectedWithTheirName) {
  EXPECT_EQ(ErrorOf({{"n_neighbors", "0"}}), "hyperparameter \"n_neighbors\": 0 must be ≥ 1");
  EXPECT_EQ(ErrorOf({{"n_neighbors", "five"}}),
            "hyperparameter \"n_neighbors\": \"five\" is not an integer");
  EXPECT_EQ(ErrorOf({{"weights", "gaussian"}}),
            "hyperparameter \"weights\": \"gaussian\" is not \"uniform\" or \"distance\"");
  EXPECT_NE(ErrorOf({{"p", "3"}}).find("use 1 (Manhattan) or 2 (Euclidean)"), std::string::npos);
  EXPECT_NE(ErrorOf({{"algorithm", "kd_tree"}}).find("\"kd_tree\" is not supported"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"leaf_size", "30"}}).find("leaf_size"), std::string::npos);
  EXPECT_EQ(ErrorOf({{"k", "3"}}),
            "unknown hyperparameter \"k\" for algorithm \"knn\"; valid names: algorithm, "
            "n_neighbors, p, weights");
}

TEST(KnnTest, ParamsSpellEveryHyperparameterWithDefaults) {
  auto learner =
      MakeKnnLearner({{"weights", "Distance"}, {"algorithm", "brute"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  const HyperParams want = {
      {"algorithm", "brute"}, {"n_neighbors", "5"}, {"p", "2"}, {"weights", "distance"}};
  EXPECT_EQ((*learner)->params(), want);
  EXPECT_EQ((*learner)->algorithm(), "knn");
}

TEST(KnnTest, FitRejectsMoreNeighboursThanRowsAndBadLabels) {
  const RefData& d = Ref();
  auto learner = MakeKnnLearner({{"n_neighbors", "61"}}, Task::kMulticlass, 3);
  ASSERT_TRUE(learner.ok());
  TrainSet train{&d.x, d.y3, {}, {}};
  Result<std::unique_ptr<Model>> model = (*learner)->Fit(train, nullptr, FitContext{});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("exceeds the 60 training rows"), std::string::npos);

  auto two = MakeKnnLearner({}, Task::kBinary, 2);
  ASSERT_TRUE(two.ok());
  TrainSet three_classes{&d.x, d.y3, {}, {}};
  model = (*two)->Fit(three_classes, nullptr, FitContext{});
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("is not a class index in 0..1"), std::string::npos);
}

TEST(KnnTest, FitAfterTheDeadlineIsDeadlineExceeded) {
  const RefData& d = Ref();
  auto learner = MakeKnnLearner({}, Task::kRegression, 0);
  ASSERT_TRUE(learner.ok());
  FitContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  TrainSet train{&d.x, d.yr, {}, {}};
  Result<std::unique_ptr<Model>> model = (*learner)->Fit(train, nullptr, ctx);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(KnnTest, LargeBatchPredictionsEqualRowByRowPredictions) {
  // 700 queries take the two-thread path; one row at a time takes the caller's thread.
  const Matrix train = RandomMatrix(900, 4, 0.0f, 3);
  const Matrix q = RandomMatrix(700, 4, 0.0f, 4);
  std::vector<float> y(train.rows);
  for (std::size_t i = 0; i < y.size(); ++i)
    y[i] = static_cast<float>(i % 4);
  auto model = Fit({{"weights", "distance"}}, Task::kMulticlass, 4, train, y);
  ASSERT_TRUE(model);
  const std::vector<double> batch = PredictOf(*model, q);
  for (std::size_t r = 0; r < q.rows; r += 37) {
    Matrix one(1, q.cols);
    std::copy_n(q.values.begin() + r * q.cols, q.cols, one.values.begin());
    const std::vector<double> single = PredictOf(*model, one);
    for (int c = 0; c < 4; ++c)
      EXPECT_EQ(single[c], batch[r * 4 + c]) << "row " << r;
  }
}

}  // namespace
}  // namespace kiln
