#include "learn/xgboost/xgboost_learner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "learn/xgboost/xgboost_test_data.h"

namespace kiln {
namespace {

using xgboost_test::Accuracy;
using xgboost_test::Data;
using xgboost_test::Make;
using xgboost_test::Shape;

std::unique_ptr<Model> Train(const HyperParams& hp, Task task, int classes, const Data& train,
                             const Data* valid = nullptr, FitContext ctx = {}) {
  auto learner = MakeXgboostLearner(hp, task, classes);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  if (!learner.ok())
    return nullptr;
  TrainSet valid_set;
  if (valid != nullptr)
    valid_set = valid->Set();
  auto model = (*learner)->Fit(train.Set(), valid != nullptr ? &valid_set : nullptr, ctx);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? std::move(model).value() : nullptr;
}

std::vector<double> PredictAll(const Model& model, const Matrix& x) {
  std::vector<double> out;
  model.Predict(x, &out);
  return out;
}

TEST(XgboostLearnerTest, BinaryClassifierLearnsAnEasyProblem) {
  const Data train = Make(Shape::kBinary, 600, 1), test = Make(Shape::kBinary, 400, 2);
  auto model = Train({{"num_round", "50"}}, Task::kBinary, 2, train);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->algorithm(), "xgboost");
  const auto pred = PredictAll(*model, test.x);
  ASSERT_EQ(pred.size(), test.x.rows);
  for (double p : pred)
    ASSERT_TRUE(p >= 0 && p <= 1) << p;
  EXPECT_GT(Accuracy(pred, test.y, 2), 0.9);
}

TEST(XgboostLearnerTest, MulticlassClassifierPredictsProbabilityRows) {
  const Data train = Make(Shape::kMulticlass, 900, 3), test = Make(Shape::kMulticlass, 300, 4);
  auto model =
      Train({{"num_round", "40"}, {"objective", "multi:softmax"}}, Task::kMulticlass, 3, train);
  ASSERT_NE(model, nullptr);
  const auto pred = PredictAll(*model, test.x);
  ASSERT_EQ(pred.size(), test.x.rows * 3);
  for (std::size_t r = 0; r < test.x.rows; ++r) {
    EXPECT_NEAR(pred[3 * r] + pred[3 * r + 1] + pred[3 * r + 2], 1.0, 1e-5);
  }
  EXPECT_GT(Accuracy(pred, test.y, 3), 0.85);
  EXPECT_EQ(model->Info().at("num_trees"), "120");
}

TEST(XgboostLearnerTest, RegressorLearnsASmoothFunction) {
  const Data train = Make(Shape::kRegression, 1000, 5), test = Make(Shape::kRegression, 300, 6);
  auto model = Train({{"num_round", "150"}, {"eta", "0.1"}}, Task::kRegression, 0, train);
  ASSERT_NE(model, nullptr);
  const auto pred = PredictAll(*model, test.x);
  double mean = 0, sse = 0, sst = 0;
  for (float y : test.y)
    mean += y / static_cast<double>(test.y.size());
  for (std::size_t r = 0; r < test.y.size(); ++r) {
    sse += (pred[r] - test.y[r]) * (pred[r] - test.y[r]);
    sst += (test.y[r] - mean) * (test.y[r] - mean);
  }
  EXPECT_GT(1 - sse / sst, 0.9);
}

TEST(XgboostLearnerTest, NumRoundAliasesSetTheTreeCount) {
  const Data train = Make(Shape::kBinary, 200, 7);
  for (const char* name : {"num_round", "n_estimators", "num_boost_round"}) {
    auto model = Train({{name, "7"}}, Task::kBinary, 2, train);
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->Info().at("num_trees"), "7") << name;
    EXPECT_EQ(model->Info().at("best_iteration"), "6") << name;
    EXPECT_EQ(model->Info().at("stop_reason"), "num_round") << name;
  }
}

TEST(XgboostLearnerTest, EtaChangesWhatIsLearned) {
  const Data train = Make(Shape::kRegression, 200, 8), test = Make(Shape::kRegression, 50, 9);
  auto slow = Train({{"num_round", "5"}, {"eta", "0.01"}}, Task::kRegression, 0, train);
  auto fast = Train({{"num_round", "5"}, {"learning_rate", "0.5"}}, Task::kRegression, 0, train);
  ASSERT_TRUE(slow && fast);
  EXPECT_NE(PredictAll(*slow, test.x), PredictAll(*fast, test.x));
}

TEST(XgboostLearnerTest, EarlyStoppingTrimsTheModelToItsBestIteration) {
  // Noisy labels: the validation loss bottoms out after some rounds (about 17 here), then rises.
  const Data train = Make(Shape::kBinary, 300, 10, 0, 0.2);
  const Data valid = Make(Shape::kBinary, 300, 11, 0, 0.2);
  const HyperParams hp = {{"num_round", "300"}, {"eta", "0.1"}, {"early_stopping_rounds", "5"}};
  auto model = Train(hp, Task::kBinary, 2, train, &valid);
  ASSERT_NE(model, nullptr);
  const auto info = model->Info();
  EXPECT_EQ(info.at("stop_reason"), "early_stopping");
  const int best = std::stoi(info.at("best_iteration"));
  EXPECT_GT(best, 2);
  EXPECT_LT(best, 100);
  EXPECT_EQ(info.at("num_trees"), std::to_string(best + 1));
  EXPECT_EQ(info.at("num_boosted_rounds"), std::to_string(best + 1));
  EXPECT_EQ(info.count("best_score"), 1u);

  // The kept trees are exactly those of a run that stops at best + 1 rounds, also after a reload.
  auto reference =
      Train({{"num_round", std::to_string(best + 1)}, {"eta", "0.1"}}, Task::kBinary, 2, train);
  ASSERT_NE(reference, nullptr);
  EXPECT_EQ(PredictAll(*model, valid.x), PredictAll(*reference, valid.x));
  auto loaded = LoadXgboostModel(model->Serialize().value(), Task::kBinary, 2);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(PredictAll(**loaded, valid.x), PredictAll(*reference, valid.x));
  EXPECT_EQ((*loaded)->Info().at("best_iteration"), info.at("best_iteration"));
}

TEST(XgboostLearnerTest, EarlyStoppingCanWatchAMetricThatIsMaximized) {
  const Data train = Make(Shape::kBinary, 300, 10, 0, 0.2);
  const Data valid = Make(Shape::kBinary, 300, 11, 0, 0.2);
  auto model = Train({{"num_round", "300"}, {"early_stopping_rounds", "5"}, {"eval_metric", "auc"}},
                     Task::kBinary, 2, train, &valid);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->Info().at("stop_reason"), "early_stopping");
  EXPECT_GT(std::stod(model->Info().at("best_score")), 0.7);  // an AUC, not a loss
}

TEST(XgboostLearnerTest, EarlyStoppingWithoutValidationSetIsRejected) {
  const Data train = Make(Shape::kBinary, 100, 12);
  auto learner = MakeXgboostLearner({{"early_stopping_rounds", "5"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  auto model = (*learner)->Fit(train.Set(), nullptr, {});
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
}

TEST(XgboostLearnerTest, DeadlineInThePastReturnsPromptly) {
  const Data train = Make(Shape::kBinary, 2000, 13);
  auto learner = MakeXgboostLearner({{"num_round", "100000"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  FitContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  auto model = (*learner)->Fit(train.Set(), nullptr, ctx);
  EXPECT_EQ(model.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(XgboostLearnerTest, DeadlineDuringTrainingKeepsTheRoundsDone) {
  const Data train = Make(Shape::kBinary, 300, 14);
  FitContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  auto model = Train({{"num_round", "1000000"}}, Task::kBinary, 2, train, nullptr, ctx);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->Info().at("stop_reason"), "deadline");
  const int trees = std::stoi(model->Info().at("num_trees"));
  EXPECT_GT(trees, 0);
  EXPECT_LT(trees, 1000000);
  EXPECT_EQ(PredictAll(*model, train.x).size(), train.x.rows);
}

// Labels depend on whether column 0's category is in {1, 4, 6}: one categorical split separates
// them, no single numeric threshold does.
Data CategoricalData(std::size_t rows, unsigned seed) {
  Data d = Make(Shape::kBinary, rows, seed);
  std::mt19937 rng(seed);
  for (std::size_t r = 0; r < rows; ++r) {
    const int code = static_cast<int>(rng() % 8);
    d.x.at(r, 0) = static_cast<float>(code);
    d.y[r] = code == 1 || code == 4 || code == 6 ? 1 : 0;
  }
  d.categorical = {true, false, false, false};
  return d;
}

TEST(XgboostLearnerTest, CategoricalColumnsGetNativeCategoricalSplits) {
  const Data train = CategoricalData(400, 15), test = CategoricalData(200, 16);
  const HyperParams stump = {{"num_round", "1"}, {"max_depth", "1"}, {"max_cat_to_onehot", "1"}};
  auto categorical = Train(stump, Task::kBinary, 2, train);
  ASSERT_NE(categorical, nullptr);
  EXPECT_EQ(Accuracy(PredictAll(*categorical, test.x), test.y, 2), 1.0);

  Data numeric = train;
  numeric.categorical.clear();
  auto threshold = Train(stump, Task::kBinary, 2, numeric);
  ASSERT_NE(threshold, nullptr);
  EXPECT_LT(Accuracy(PredictAll(*threshold, test.x), test.y, 2), 0.9);

  // Categorical splits survive serialization.
  auto bytes = categorical->Serialize();
  ASSERT_TRUE(bytes.ok());
  auto loaded = LoadXgboostModel(*bytes, Task::kBinary, 2);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(PredictAll(**loaded, test.x), PredictAll(*categorical, test.x));
}

TEST(XgboostLearnerTest, CategoricalColumnsWithExactTreeMethodAreRejected) {
  const Data train = CategoricalData(100, 17);
  auto learner = MakeXgboostLearner({{"tree_method", "exact"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  EXPECT_EQ((*learner)->Fit(train.Set(), nullptr, {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(XgboostLearnerTest, BadLabelsAreRejectedWithTheRow) {
  Data train = Make(Shape::kBinary, 50, 18);
  train.y[7] = 2;
  auto learner = MakeXgboostLearner({}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  const Status s = (*learner)->Fit(train.Set(), nullptr, {}).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("row 7"), std::string::npos) << s.message();
}

TEST(XgboostLearnerTest, SerializeThenLoadGivesIdenticalPredictions) {
  for (Shape shape : {Shape::kBinary, Shape::kMulticlass, Shape::kRegression}) {
    const Task task = shape == Shape::kBinary       ? Task::kBinary
                      : shape == Shape::kMulticlass ? Task::kMulticlass
                                                    : Task::kRegression;
    const int classes = task == Task::kBinary ? 2 : task == Task::kMulticlass ? 3 : 0;
    const Data train = Make(shape, 300, 19), test = Make(shape, 100, 20);
    auto model = Train({{"num_round", "20"}}, task, classes, train);
    ASSERT_NE(model, nullptr);
    auto bytes = model->Serialize();
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    auto loaded = LoadXgboostModel(*bytes, task, classes);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(PredictAll(**loaded, test.x), PredictAll(*model, test.x)) << TaskName(task);
    EXPECT_EQ((*loaded)->Info(), model->Info());
    auto again = (*loaded)->Serialize();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *bytes);
  }
}

TEST(XgboostLearnerTest, GarbageBytesAreCorruption) {
  const Data train = Make(Shape::kBinary, 100, 21);
  auto model = Train({{"num_round", "5"}}, Task::kBinary, 2, train);
  ASSERT_NE(model, nullptr);
  const std::string bytes = model->Serialize().value();
  for (const std::string& garbage :
       {std::string(), std::string("not a model"), std::string("{\"learner\": 3"),
        std::string("{garbage}"), bytes.substr(0, bytes.size() / 2), std::string(1000, '\xff')}) {
    auto loaded = LoadXgboostModel(garbage, Task::kBinary, 2);
    EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption) << loaded.status().ToString();
  }
}

TEST(XgboostLearnerTest, LoadingAModelForAnotherTaskIsRejected) {
  const Data train = Make(Shape::kMulticlass, 150, 22);
  auto model = Train({{"num_round", "3"}}, Task::kMulticlass, 3, train);
  ASSERT_NE(model, nullptr);
  const std::string bytes = model->Serialize().value();
  EXPECT_EQ(LoadXgboostModel(bytes, Task::kBinary, 2).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadXgboostModel(bytes, Task::kMulticlass, 4).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(XgboostLearnerTest, SameDataSeedAndThreadsGiveByteIdenticalModels) {
  const Data train = Make(Shape::kBinary, 500, 23, 0, 0.1), test = Make(Shape::kBinary, 100, 24);
  const HyperParams hp = {{"num_round", "20"}, {"subsample", "0.7"}, {"colsample_bynode", "0.6"}};
  FitContext ctx;
  ctx.num_threads = 2;
  ctx.seed = 42;
  auto a = Train(hp, Task::kBinary, 2, train, nullptr, ctx);
  auto b = Train(hp, Task::kBinary, 2, train, nullptr, ctx);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Serialize().value(), b->Serialize().value());
  EXPECT_EQ(PredictAll(*a, test.x), PredictAll(*b, test.x));

  ctx.seed = 43;
  auto c = Train(hp, Task::kBinary, 2, train, nullptr, ctx);
  ASSERT_NE(c, nullptr);
  EXPECT_NE(a->Serialize().value(), c->Serialize().value());

  // The seed hyperparameter overrides the context's.
  HyperParams seeded = hp;
  seeded["seed"] = "42";
  auto d = Train(seeded, Task::kBinary, 2, train, nullptr, ctx);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(a->Serialize().value(), d->Serialize().value());
}

TEST(XgboostLearnerTest, ConcurrentPredictFromFourThreadsMatchesSerialPredict) {
  const Data train = Make(Shape::kMulticlass, 400, 25), test = Make(Shape::kMulticlass, 500, 26);
  auto trained = Train({{"num_round", "30"}}, Task::kMulticlass, 3, train);
  ASSERT_NE(trained, nullptr);
  // A freshly loaded model too: its lazy configuration must not race.
  auto loaded = LoadXgboostModel(trained->Serialize().value(), Task::kMulticlass, 3);
  ASSERT_TRUE(loaded.ok());
  for (const Model* model : {trained.get(), loaded->get()}) {
    const auto expected = PredictAll(*model, test.x);
    std::vector<std::vector<double>> got(4);
    {
      std::vector<std::jthread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
          for (int i = 0; i < 20; ++i)
            model->Predict(test.x, &got[t]);
        });
      }
    }
    for (const auto& g : got)
      EXPECT_EQ(g, expected);
  }
}

}  // namespace
}  // namespace kiln
