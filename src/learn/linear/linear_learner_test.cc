#include "learn/linear/linear_learner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "learn/linear/linear_model.h"

namespace kiln {
namespace {

// The data below is reproduced exactly (every value a multiple of 1/32) by a Python script that
// computed the reference fits with scikit-learn 1.2.1 (L2 logistic fits with solver="newton-cg",
// tol=1e-14, whose gradient norm is ~1e-11; lbfgs stops ~1e-7 short; L1 fits with saga):
//   h(i, j) = (i*7919 + j*104729 + i*j*31 + 12345) % 1009, x[i][j] = (h % 101 - 50) / 32,
//   noise(i, salt) = (h(i, salt) % 61 - 30) / 32, n = 200, p = 5.
// Our alpha maps to scikit-learn as documented in linear_params.h: Ridge(alpha * n),
// ElasticNet(alpha, l1_ratio), LogisticRegression(C = 1 / (alpha * n)).
constexpr int kN = 200;
constexpr int kP = 5;

long H(long i, long j) { return (i * 7919 + j * 104729 + i * j * 31 + 12345) % 1009; }
double Noise(long i, long salt) { return static_cast<double>(H(i, salt) % 61 - 30) / 32.0; }

Matrix Features() {
  Matrix x(kN, kP);
  for (int i = 0; i < kN; ++i) {
    for (int j = 0; j < kP; ++j)
      x.at(i, j) = static_cast<float>(H(i, j) % 101 - 50) / 32.0f;
  }
  return x;
}

double Dot(const Matrix& x, int i, const std::vector<double>& w) {
  double s = 0;
  for (int j = 0; j < kP; ++j)
    s += x.at(i, j) * w[j];
  return s;
}

struct Data {
  Matrix x = Features();
  std::vector<float> binary, regression, multiclass, imbalanced;
  Data() {
    const std::vector<double> wt = {2, -1, 0, 1, -3};
    const std::vector<std::vector<double>> w3 = {
        {1, -1, 0, 2, 0}, {0, 2, -1, -1, 1}, {-1, 0, 1, 0, -2}};
    for (int i = 0; i < kN; ++i) {
      const double s = Dot(x, i, wt) + Noise(i, 77) * 3;
      binary.push_back(s > 0.5 ? 1.0f : 0.0f);
      imbalanced.push_back(s > 3.0 ? 1.0f : 0.0f);
      regression.push_back(static_cast<float>(Dot(x, i, wt) + 0.5 + Noise(i, 78)));
      int best = 0;
      double best_score = -1e300;
      for (int k = 0; k < 3; ++k) {
        const double score = Dot(x, i, w3[k]) + Noise(i, 80 + k) * 2;
        if (score > best_score)
          best = k, best_score = score;
      }
      multiclass.push_back(static_cast<float>(best));
    }
  }
};

const Data& TestData() {
  static const Data* data = new Data();
  return *data;
}

std::unique_ptr<LinearModel> FitLinear(const HyperParams& hp, Task task, int classes,
                                       std::span<const float> y,
                                       std::span<const float> weights = {}) {
  Result<std::unique_ptr<Learner>> learner = MakeLinearLearner(hp, task, classes);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  TrainSet train{&TestData().x, y, weights, {}};
  Result<std::unique_ptr<Model>> model = (*learner)->Fit(train, nullptr, FitContext{});
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  auto* linear = dynamic_cast<LinearModel*>(model->release());
  EXPECT_NE(linear, nullptr);
  return std::unique_ptr<LinearModel>(linear);
}

void ExpectNear(std::span<const double> actual, const std::vector<double>& expected, double tol) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tol) << "index " << i;
  }
}

const HyperParams kTight = {{"tol", "1e-10"}, {"max_iter", "10000"}};

HyperParams With(HyperParams hp, const HyperParams& extra) {
  for (const auto& [k, v] : extra)
    hp[k] = v;
  return hp;
}

TEST(LinearRegressionTest, RidgeMatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.1"}}), Task::kRegression, 0, TestData().regression);
  ExpectNear(m->coefficients(),
             {1.7342816237771124, -0.88303540545065229, 0.036284676583689141, 0.89719271555383551,
              -2.6764543240987724},
             1e-9);
  ExpectNear(m->intercepts(), {0.48071151498812542}, 1e-9);
  EXPECT_EQ(m->Info().at("stop"), "closed_form");
}

TEST(LinearRegressionTest, RidgeWithoutInterceptMatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.1"}, {"fit_intercept", "false"}}),
                     Task::kRegression, 0, TestData().regression);
  ExpectNear(m->coefficients(),
             {1.7293663491685816, -0.88245963944612071, 0.03459658007155985, 0.89214366294789993,
              -2.668323163063},
             1e-9);
  ExpectNear(m->intercepts(), {0}, 0);
}

TEST(LinearRegressionTest, OrdinaryLeastSquaresMatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0"}}), Task::kRegression, 0, TestData().regression);
  ExpectNear(m->coefficients(),
             {1.9455517924604693, -1.0022124928650877, 0.0025618670243513497, 0.99559258147319163,
              -2.9993786547668178},
             1e-9);
  ExpectNear(m->intercepts(), {0.48894500866757218}, 1e-9);
}

TEST(LinearRegressionTest, ElasticNetMatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.05"}, {"l1_ratio", "0.5"}}), Task::kRegression, 0,
                     TestData().regression);
  ExpectNear(m->coefficients(),
             {1.860007277352737, -0.93824008757708821, 0, 0.94030268027249364, -2.8831316557424973},
             1e-8);
  EXPECT_EQ(m->coefficients()[2], 0.0);
  ExpectNear(m->intercepts(), {0.48560661130322835}, 1e-8);
  EXPECT_EQ(m->Info().at("nonzero_coefficients"), "4");
  EXPECT_EQ(m->Info().at("stop"), "converged");
}

TEST(LinearRegressionTest, LassoMatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.3"}, {"l1_ratio", "1"}}), Task::kRegression, 0,
                     TestData().regression);
  ExpectNear(
      m->coefficients(),
      {1.5860292980675352, -0.62007032435007681, 0, 0.64407894620061423, -2.6378664657875772},
      1e-8);
  ExpectNear(m->intercepts(), {0.4757733218234329}, 1e-8);
}

TEST(LinearRegressionTest, ElasticNetOnCollinearColumnsConvergesInFewSweeps) {
  // Adds a one-hot group of 4 levels (collinear with the intercept) and a copy of column 0;
  // scikit-learn's coordinate descent needs 2347 sweeps here.
  const Matrix& base = TestData().x;
  Matrix x(kN, kP + 5);
  std::vector<float> y;
  for (int i = 0; i < kN; ++i) {
    for (int j = 0; j < kP; ++j)
      x.at(i, j) = base.at(i, j);
    x.at(i, kP + i % 4) = 1;
    x.at(i, kP + 4) = base.at(i, 0);
    y.push_back(TestData().regression[i] + static_cast<float>(i % 4) * 0.5f);
  }
  auto learner = MakeLinearLearner(
      {{"alpha", "0.01"}, {"l1_ratio", "0.5"}, {"tol", "1e-12"}, {"max_iter", "50"}},
      Task::kRegression, 0);
  ASSERT_TRUE(learner.ok());
  auto model = (*learner)->Fit(TrainSet{&x, y, {}, {}}, nullptr, FitContext{});
  ASSERT_TRUE(model.ok());
  const auto& m = dynamic_cast<const LinearModel&>(**model);
  EXPECT_EQ(m.Info().at("stop"), "converged");
  ExpectNear(m.coefficients(),
             {0.96676617720052138, -0.98807687448554182, 0, 0.98513031245626947,
              -2.9754302205982861, -0.71205963692633301, -0.23554442680996213, 0.2071565722255129,
              0.74044749151079658, 0.96676617719986968},
             1e-8);
  ExpectNear(m.intercepts(), {1.2383125683878833}, 1e-8);
}

TEST(LogisticRegressionTest, L2MatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.01"}}), Task::kBinary, 2, TestData().binary);
  ExpectNear(m->coefficients(),
             {1.3852088522024295, -0.4817932613749043, -0.084035508254080932, 0.69929925427604223,
              -1.9873896992282485},
             1e-7);
  ExpectNear(m->intercepts(), {-0.47608654737352818}, 1e-7);
  std::vector<double> p;
  m->Predict(TestData().x, &p);
  ASSERT_EQ(p.size(), static_cast<std::size_t>(kN));
  ExpectNear(std::span<const double>(p).first(4),
             {0.6904798725186555, 0.41405839328723254, 0.032852482427142539, 0.84886698339604272},
             1e-7);
  EXPECT_NEAR(std::stod(m->Info().at("objective")), 0.37529550890454999, 1e-12);
  EXPECT_EQ(m->Info().at("stop"), "converged");
}

TEST(LogisticRegressionTest, L1MatchesScikitLearnAndZeroesCoefficients) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.02"}, {"l1_ratio", "1"}}), Task::kBinary, 2,
                     TestData().binary);
  ExpectNear(
      m->coefficients(),
      {1.2389617141043689, -0.31676328837900231, 0, 0.54259395277449973, -1.8539274391742468},
      1e-6);
  EXPECT_EQ(m->coefficients()[2], 0.0);
  ExpectNear(m->intercepts(), {-0.45451722940141664}, 1e-6);
  EXPECT_LE(std::stod(m->Info().at("objective")), 0.43111695199970468 + 1e-12);
}

TEST(LogisticRegressionTest, ElasticNetMatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.02"}, {"l1_ratio", "0.5"}}), Task::kBinary, 2,
                     TestData().binary);
  ExpectNear(m->coefficients(),
             {1.1888068896881563, -0.35743611001962544, -0.010737794789902281, 0.56505665726818921,
              -1.7562312295639013},
             1e-6);
  ExpectNear(m->intercepts(), {-0.44170670329110479}, 1e-6);
}

TEST(LogisticRegressionTest, SampleWeightsMatchScikitLearn) {
  std::vector<float> w;
  for (int i = 0; i < kN; ++i)
    w.push_back(static_cast<float>(1 + i % 3));
  auto m = FitLinear(With(kTight, {{"alpha", "0.01"}}), Task::kBinary, 2, TestData().binary, w);
  ExpectNear(m->coefficients(),
             {1.3637039409239118, -0.448082543580054, -0.16583574494402625, 0.602890298523446,
              -1.9186270686806448},
             1e-7);
  ExpectNear(m->intercepts(), {-0.46067779040493995}, 1e-7);
}

TEST(LogisticRegressionTest, BalancedClassWeightMatchesScikitLearn) {
  auto m = FitLinear(With(kTight, {{"alpha", "0.01"}, {"class_weight", "balanced"}}), Task::kBinary,
                     2, TestData().imbalanced);
  ExpectNear(m->coefficients(),
             {1.4914289458314869, -1.0702355816214979, 0.19481006912253473, 0.80087099418759644,
              -1.8830156025039078},
             1e-7);
  ExpectNear(m->intercepts(), {-1.3804914192587607}, 1e-7);
}

TEST(LogisticRegressionTest, MultinomialMatchesScikitLearn) {
  auto m =
      FitLinear(With(kTight, {{"alpha", "0.01"}}), Task::kMulticlass, 3, TestData().multiclass);
  ExpectNear(m->coefficients(),
             {1.0119036165345097, -0.98522195990671058, 0.050626476589330324, 1.2536688093509187,
              0.55876552342294583, 0.026853236133598843, 1.1594320190137, -0.53590643884488653,
              -0.87665320043265216, 0.87224146490711307, -1.038756852668107, -0.17421005910699064,
              0.4852799622555557, -0.3770156089182673, -1.4310069883300589},
             1e-7);
  ExpectNear(m->intercepts(), {0.08900914007644857, 0.00016463649412178311, -0.089173776570570365},
             1e-7);
  std::vector<double> p;
  m->Predict(TestData().x, &p);
  ASSERT_EQ(p.size(), static_cast<std::size_t>(3 * kN));
  ExpectNear(std::span<const double>(p).first(6),
             {0.021487770201623714, 0.072793020435081013, 0.90571920936329531, 0.97985926075584173,
              0.01849113325385833, 0.0016496059902998881},
             1e-7);
  for (int i = 0; i < kN; ++i)
    EXPECT_NEAR(p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 1.0, 1e-12);
}

TEST(LinearLearnerTest, ConstantAndDuplicateColumnsGiveFinitePredictions) {
  Matrix x(100, 3);
  std::vector<float> yb, yr;
  for (int i = 0; i < 100; ++i) {
    x.at(i, 0) = 0;  // constant zero
    x.at(i, 1) = static_cast<float>(i % 10) / 4;
    x.at(i, 2) = x.at(i, 1);  // duplicate
    yb.push_back(i % 3 == 0 ? 1.0f : 0.0f);
    yr.push_back(static_cast<float>(i % 7));
  }
  for (const HyperParams& hp : {HyperParams{{"alpha", "0"}}, HyperParams{},
                                HyperParams{{"alpha", "0.01"}, {"l1_ratio", "0.7"}}}) {
    for (Task task : {Task::kBinary, Task::kRegression}) {
      auto learner = MakeLinearLearner(hp, task, task == Task::kBinary ? 2 : 0);
      ASSERT_TRUE(learner.ok());
      TrainSet train{&x, task == Task::kBinary ? std::span<const float>(yb) : yr, {}, {}};
      auto model = (*learner)->Fit(train, nullptr, FitContext{});
      ASSERT_TRUE(model.ok()) << model.status().ToString();
      std::vector<double> p;
      (*model)->Predict(x, &p);
      for (double v : p)
        ASSERT_TRUE(std::isfinite(v)) << TaskName(task);
    }
  }
}

TEST(LinearLearnerTest, FitStoresTheWeightedTrainingMeans) {
  std::vector<float> w;
  for (int i = 0; i < kN; ++i)
    w.push_back(static_cast<float>(1 + i % 3));
  for (bool weighted : {false, true}) {
    auto m = FitLinear({}, Task::kBinary, 2, TestData().binary,
                       weighted ? std::span<const float>(w) : std::span<const float>());
    const Matrix& x = TestData().x;
    ASSERT_EQ(m->feature_means().size(), static_cast<std::size_t>(kP));
    for (int j = 0; j < kP; ++j) {
      double sum = 0, total = 0;
      for (int i = 0; i < kN; ++i) {
        const double wi = weighted ? w[i] : 1.0;
        sum += wi * x.at(i, j);
        total += wi;
      }
      EXPECT_NEAR(m->feature_means()[j], sum / total, 1e-12) << "column " << j;
    }
  }
}

TEST(LinearLearnerTest, ContributionsOfFittedModelsSumToTheMargin) {
  const Data& d = TestData();
  struct Case {
    Task task;
    int classes;
    const std::vector<float>* y;
  };
  for (const Case& c :
       {Case{Task::kBinary, 2, &d.binary}, Case{Task::kMulticlass, 3, &d.multiclass},
        Case{Task::kRegression, 0, &d.regression}}) {
    auto m = FitLinear({{"alpha", "0.01"}}, c.task, c.classes, *c.y);
    Result<std::vector<double>> contributions = m->Contributions(d.x);
    ASSERT_TRUE(contributions.ok()) << contributions.status().ToString();
    std::vector<double> margin;
    m->PredictMargin(d.x, &margin);
    ASSERT_EQ(contributions->size(), margin.size() * (kP + 1)) << TaskName(c.task);
    double mean_bias = 0;
    for (std::size_t block = 0; block < margin.size(); ++block) {
      double sum = 0;
      for (int j = 0; j <= kP; ++j)
        sum += (*contributions)[block * (kP + 1) + j];
      ASSERT_NEAR(sum, margin[block], 1e-9) << TaskName(c.task) << " block " << block;
      mean_bias += (*contributions)[block * (kP + 1) + kP];
    }
    // Unweighted fit: each feature's contributions average to zero over the training rows, so
    // the bias is the mean margin.
    double mean_margin = 0;
    for (double v : margin)
      mean_margin += v;
    EXPECT_NEAR(mean_bias, mean_margin, 1e-9 * margin.size()) << TaskName(c.task);
  }
}

TEST(LinearLearnerTest, FitIsDeterministicAcrossThreadCounts) {
  auto learner = MakeLinearLearner({{"alpha", "0.01"}}, Task::kMulticlass, 3);
  ASSERT_TRUE(learner.ok());
  TrainSet train{&TestData().x, TestData().multiclass, {}, {}};
  FitContext one, two;
  two.num_threads = 2;
  auto a = (*learner)->Fit(train, nullptr, one);
  auto b = (*learner)->Fit(train, nullptr, two);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*(*a)->Serialize(), *(*b)->Serialize());
}

TEST(LinearLearnerTest, DeadlineInThePastReturnsPromptly) {
  auto learner = MakeLinearLearner({}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  TrainSet train{&TestData().x, TestData().binary, {}, {}};
  FitContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  auto model = (*learner)->Fit(train, nullptr, ctx);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code(), StatusCode::kDeadlineExceeded);
}

TEST(LinearLearnerTest, DeadlineDuringFitReturnsTheModelSoFar) {
  // A fit that needs far longer than the budget: 20000 x 50, 5 classes, tol 1e-12.
  constexpr int kRows = 20000, kCols = 50;
  Matrix x(kRows, kCols);
  std::vector<float> y(kRows);
  for (int i = 0; i < kRows; ++i) {
    for (int j = 0; j < kCols; ++j)
      x.at(i, j) = static_cast<float>(H(i, j) % 101 - 50) / 32.0f;
    y[i] = static_cast<float>((H(i, 7) + i) % 5);
  }
  auto learner = MakeLinearLearner({{"tol", "1e-12"}, {"max_iter", "100000"}, {"alpha", "0"}},
                                   Task::kMulticlass, 5);
  ASSERT_TRUE(learner.ok());
  FitContext ctx;
  const auto start = std::chrono::steady_clock::now();
  ctx.deadline = start + std::chrono::milliseconds(30);
  auto model = (*learner)->Fit(TrainSet{&x, y, {}, {}}, nullptr, ctx);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->Info().at("stop"), "deadline");
  std::vector<double> p;
  (*model)->Predict(x, &p);
  for (double v : p)
    ASSERT_TRUE(std::isfinite(v));
}

TEST(LinearLearnerTest, ParamsAreCanonicalWithDefaults) {
  auto learner =
      MakeLinearLearner({{"alpha", "0.5"}, {"fit_intercept", "FALSE"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  const HyperParams expected = {{"alpha", "0.5"},           {"class_weight", "none"},
                                {"fit_intercept", "false"}, {"l1_ratio", "0"},
                                {"max_iter", "500"},        {"tol", "1e-06"}};
  EXPECT_EQ((*learner)->params(), expected);
  EXPECT_EQ((*learner)->algorithm(), "linear");
}

void ExpectInvalid(const HyperParams& hp, const std::string& message, Task task = Task::kBinary) {
  auto learner = MakeLinearLearner(hp, task, task == Task::kRegression ? 0 : 2);
  ASSERT_FALSE(learner.ok());
  EXPECT_EQ(learner.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(learner.error().message(), message);
}

TEST(LinearLearnerTest, BadHyperparametersAreNamed) {
  ExpectInvalid({{"alpah", "1"}},
                "unknown hyperparameter \"alpah\" for algorithm \"linear\"; valid names: alpha, "
                "class_weight, fit_intercept, l1_ratio, max_iter, tol");
  ExpectInvalid({{"l1_ratio", "1.5"}}, "hyperparameter \"l1_ratio\": 1.5 is out of range [0, 1]");
  ExpectInvalid({{"alpha", "-1"}}, "hyperparameter \"alpha\": -1 is out of range [0, inf)");
  ExpectInvalid({{"alpha", "abc"}}, "hyperparameter \"alpha\": \"abc\" is not a finite number");
  ExpectInvalid({{"alpha", "nan"}}, "hyperparameter \"alpha\": \"nan\" is not a finite number");
  ExpectInvalid({{"max_iter", "0"}},
                "hyperparameter \"max_iter\": 0 is out of range [1, 2147483647]");
  ExpectInvalid({{"max_iter", "2.5"}}, "hyperparameter \"max_iter\": \"2.5\" is not an integer");
  ExpectInvalid({{"tol", "0"}}, "hyperparameter \"tol\": 0 is out of range (0, inf)");
  ExpectInvalid({{"fit_intercept", "maybe"}},
                "hyperparameter \"fit_intercept\": \"maybe\" is not true or false");
  ExpectInvalid({{"class_weight", "auto"}},
                "hyperparameter \"class_weight\": \"auto\" is not \"none\" or \"balanced\"");
  ExpectInvalid({{"class_weight", "balanced"}},
                "hyperparameter \"class_weight\": \"balanced\" applies only to classification; "
                "use \"none\" for regression",
                Task::kRegression);
}

TEST(LinearLearnerTest, BadTrainingDataIsInvalidArgument) {
  auto learner = MakeLinearLearner({}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  Matrix x(2, 1);
  x.at(0, 0) = 1;
  x.at(1, 0) = std::nanf("");
  std::vector<float> y = {0, 1};
  auto nan_x = (*learner)->Fit(TrainSet{&x, y, {}, {}}, nullptr, FitContext{});
  ASSERT_FALSE(nan_x.ok());
  EXPECT_EQ(nan_x.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(nan_x.error().message().find("row 1, column 0"), std::string::npos);
  x.at(1, 0) = 2;
  std::vector<float> bad_label = {0, 2};
  auto label = (*learner)->Fit(TrainSet{&x, bad_label, {}, {}}, nullptr, FitContext{});
  ASSERT_FALSE(label.ok());
  EXPECT_NE(label.error().message().find("row 1: label 2"), std::string::npos);
  std::vector<float> short_y = {0};
  EXPECT_FALSE((*learner)->Fit(TrainSet{&x, short_y, {}, {}}, nullptr, FitContext{}).ok());
}

}  // namespace
}  // namespace kiln
