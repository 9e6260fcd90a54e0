#include <gtest/gtest.h>

#include "learn/xgboost/xgboost_learner.h"

namespace kiln {
namespace {

HyperParams ParamsOf(const HyperParams& given, Task task = Task::kBinary, int classes = 2) {
  auto learner = MakeXgboostLearner(given, task, classes);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  return learner.ok() ? (*learner)->params() : HyperParams{};
}

Status ErrorOf(const HyperParams& given, Task task = Task::kBinary, int classes = 2) {
  return MakeXgboostLearner(given, task, classes).status();
}

TEST(XgboostParamsTest, DefaultsAreListedUnderCanonicalNames) {
  const HyperParams p = ParamsOf({});
  EXPECT_EQ(p.at("num_round"), "100");
  EXPECT_EQ(p.at("early_stopping_rounds"), "0");
  EXPECT_EQ(p.at("eta"), "0.3");
  EXPECT_EQ(p.at("max_depth"), "6");
  EXPECT_EQ(p.at("tree_method"), "hist");
  EXPECT_EQ(p.at("objective"), "binary:logistic");
  EXPECT_EQ(p.at("eval_metric"), "logloss");
  EXPECT_EQ(p.at("base_score"), "0.5");
  EXPECT_EQ(p.at("max_delta_step"), "0");
  EXPECT_EQ(p.count("learning_rate"), 0u);
  EXPECT_EQ(p.count("seed"), 0u);
  EXPECT_EQ(p.count("num_class"), 0u);
}

TEST(XgboostParamsTest, AliasesMapToCanonicalNames) {
  HyperParams p = ParamsOf({{"n_estimators", "7"},
                            {"learning_rate", "0.05"},
                            {"reg_lambda", "2"},
                            {"reg_alpha", "0.5"},
                            {"min_split_loss", "1"}});
  EXPECT_EQ(p.at("num_round"), "7");
  EXPECT_EQ(p.at("eta"), "0.05");
  EXPECT_EQ(p.at("lambda"), "2");
  EXPECT_EQ(p.at("alpha"), "0.5");
  EXPECT_EQ(p.at("gamma"), "1");
  EXPECT_EQ(p.count("n_estimators"), 0u);
  EXPECT_EQ(ParamsOf({{"num_boost_round", "9"}}).at("num_round"), "9");
  EXPECT_EQ(ParamsOf({{"num_round", "11"}}).at("num_round"), "11");
}

TEST(XgboostParamsTest, ParamsFedBackGiveTheSameParams) {
  const HyperParams first =
      ParamsOf({{"eta", "0.1"}, {"seed", "5"}, {"objective", "reg:tweedie"}}, Task::kRegression, 0);
  EXPECT_EQ(first.at("tweedie_variance_power"), "1.5");
  EXPECT_EQ(first.at("eval_metric"), "tweedie-nloglik@1.5");
  EXPECT_EQ(ParamsOf(first, Task::kRegression, 0), first);
}

TEST(XgboostParamsTest, UnknownNameListsAcceptedNames) {
  const Status s = ErrorOf({{"max_dept", "3"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown hyperparameter \"max_dept\""), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("max_depth"), std::string::npos);
  EXPECT_NE(s.message().find("eta (alias learning_rate)"), std::string::npos);
}

TEST(XgboostParamsTest, BadValuesNameTheParameterAndTheRange) {
  EXPECT_EQ(ErrorOf({{"max_depth", "-1"}}).message(),
            "hyperparameter \"max_depth\": \"-1\" must be an integer ≥ 0");
  EXPECT_EQ(ErrorOf({{"max_depth", "2.5"}}).message(),
            "hyperparameter \"max_depth\": \"2.5\" must be an integer ≥ 0");
  EXPECT_EQ(ErrorOf({{"subsample", "0"}}).message(),
            "hyperparameter \"subsample\": \"0\" must be a number in (0, 1]");
  EXPECT_EQ(ErrorOf({{"eta", "fast"}}).message(),
            "hyperparameter \"eta\": \"fast\" must be a number ≥ 0");
  EXPECT_EQ(ErrorOf({{"learning_rate", "nan"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf({{"num_round", "0"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ErrorOf({{"tree_method", "gpu_hist"}}).message().find("auto, exact, approx, hist"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"sampling_method", "gradient_based"}}).message().find("GPU"),
            std::string::npos);
  EXPECT_EQ(ErrorOf({{"base_score", "1.5"}}).code(), StatusCode::kInvalidArgument);
}

TEST(XgboostParamsTest, AliasGivenWithItsCanonicalNameIsRejected) {
  const Status s = ErrorOf({{"eta", "0.1"}, {"learning_rate", "0.2"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("given twice"), std::string::npos) << s.message();
}

TEST(XgboostParamsTest, ObjectiveMustFitTheTask) {
  const Status s = ErrorOf({{"objective", "reg:squarederror"}}, Task::kBinary, 2);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("binary:logistic"), std::string::npos) << s.message();
  EXPECT_EQ(ErrorOf({{"objective", "binary:logistic"}}, Task::kRegression, 0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf({{"objective", "binary:hinge"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParamsOf({{"objective", "count:poisson"}}, Task::kRegression, 0).at("max_delta_step"),
            "0.7");
  EXPECT_EQ(ParamsOf({{"objective", "reg:linear"}}, Task::kRegression, 0).at("objective"),
            "reg:squarederror");
}

TEST(XgboostParamsTest, SoftmaxIsTrainedAsSoftprob) {
  const HyperParams p =
      ParamsOf({{"objective", "multi:softmax"}, {"num_class", "3"}}, Task::kMulticlass, 3);
  EXPECT_EQ(p.at("objective"), "multi:softprob");
  EXPECT_EQ(p.at("num_class"), "3");
  EXPECT_EQ(p.at("eval_metric"), "mlogloss");
}

TEST(XgboostParamsTest, NumClassMustMatchTheData) {
  EXPECT_EQ(ErrorOf({{"num_class", "4"}}, Task::kMulticlass, 3).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf({{"num_class", "2"}}, Task::kBinary, 2).code(), StatusCode::kInvalidArgument);
}

TEST(XgboostParamsTest, EvalMetricMustSuitTheTask) {
  EXPECT_EQ(ErrorOf({{"eval_metric", "rmse"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf({{"eval_metric", "error@2"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParamsOf({{"eval_metric", "error@0.7, auc"}}).at("eval_metric"), "error@0.7,auc");
}

TEST(XgboostParamsTest, ObjectiveSpecificParametersNeedTheirObjective) {
  EXPECT_EQ(ErrorOf({{"huber_slope", "2"}}, Task::kRegression, 0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ParamsOf({{"objective", "reg:pseudohubererror"}, {"huber_slope", "2"}}, Task::kRegression, 0)
          .at("huber_slope"),
      "2");
}

TEST(XgboostParamsTest, VerbosityIsAcceptedAndIgnored) {
  EXPECT_EQ(ParamsOf({{"verbosity", "2"}}).count("verbosity"), 0u);
  EXPECT_EQ(ErrorOf({{"verbosity", "9"}}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kiln
