#include "jobs/training_plan.h"

#include <gtest/gtest.h>

#include "jobs/internal/training_test_util.h"

namespace kiln {
namespace {

Result<TrainingPlan> Plan(const std::string& image, const HyperParams& hp,
                          bool with_validation = false) {
  nlohmann::json r = TrainingTest::Request("j", image, hp);
  if (with_validation)
    r["InputDataConfig"].push_back(TrainingTest::Channel("validation", "valid/"));
  auto spec = ParseTrainingJobRequest(r, nullptr);
  if (!spec.ok())
    return spec.error();
  return PlanTraining(*spec);
}

void ExpectError(const Result<TrainingPlan>& plan, const std::string& part) {
  ASSERT_FALSE(plan.ok()) << "expected an error containing \"" << part << "\"";
  EXPECT_EQ(plan.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.error().message().find(part), std::string::npos) << plan.error().message();
}

TEST(TrainingPlanTest, SageMakerXgboostRequiresNumRound) {
  ExpectError(Plan("sagemaker-xgboost:1.7-1", {}), "\"num_round\" is required");
  EXPECT_TRUE(Plan("kiln-xgboost", {}).ok());
}

TEST(TrainingPlanTest, XgboostObjectiveDecidesTheTask) {
  auto reg = Plan("xgboost:1", {{"num_round", "3"}});
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->task, Task::kRegression);
  EXPECT_EQ(reg->xgboost_objective, "reg:squarederror");
  auto bin = Plan("xgboost:1", {{"num_round", "3"}, {"objective", "binary:logistic"}});
  ASSERT_TRUE(bin.ok());
  EXPECT_EQ(bin->task, Task::kBinary);
  EXPECT_EQ(bin->label_rule, LabelRule::kClassIndex);
  ExpectError(Plan("xgboost:1", {{"num_round", "3"}, {"objective", "multi:softmax"}}),
              "\"num_class\" is required");
  auto multi =
      Plan("xgboost:1", {{"num_round", "3"}, {"objective", "multi:softmax"}, {"num_class", "3"}});
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  EXPECT_EQ(multi->task, Task::kMulticlass);
  EXPECT_EQ(multi->num_classes, 3);
  EXPECT_EQ(multi->xgboost_objective, "multi:softmax");
  ExpectError(Plan("xgboost:1", {{"num_round", "3"}, {"objective", "rank:pairwise"}}),
              "not supported by Kiln yet");
}

TEST(TrainingPlanTest, UnknownHyperparametersAreNamed) {
  ExpectError(Plan("xgboost:1", {{"num_round", "3"}, {"colour", "blue"}}),
              "unknown hyperparameter \"colour\"");
  ExpectError(Plan("xgboost:1", {{"num_round", "3"}, {"max_depth", "deep"}}), "max_depth");
  ExpectError(Plan("kiln-random-forest", {{"predictor_type", "regressor"}, {"trees", "3"}}),
              "trees");
}

TEST(TrainingPlanTest, EarlyStoppingNeedsAValidationChannel) {
  ExpectError(Plan("xgboost:1", {{"num_round", "3"}, {"early_stopping_rounds", "2"}}),
              "needs a \"validation\" channel");
  EXPECT_TRUE(Plan("xgboost:1", {{"num_round", "3"}, {"early_stopping_rounds", "2"}}, true).ok());
}

TEST(TrainingPlanTest, TuningObjectiveMetricIsAddedToEvalMetric) {
  auto p = Plan("xgboost:1", {{"num_round", "3"},
                              {"objective", "binary:logistic"},
                              {"_tuning_objective_metric", "validation:auc"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->learner_params.at("eval_metric"), "auc,logloss");
}

TEST(TrainingPlanTest, TargetAndSeedAreKilnsAndStripped) {
  auto p = Plan("kiln-linear", {{"predictor_type", "regressor"}, {"target", "y"}, {"seed", "7"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->target, "y");
  EXPECT_EQ(p->seed, 7u);
  EXPECT_EQ(p->learner_params.count("target"), 0u);
  EXPECT_EQ(p->learner_params.count("seed"), 0u);
  auto x = Plan("xgboost:1", {{"num_round", "3"}, {"seed", "9"}});
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->seed, 9u);
  ExpectError(Plan("kiln-linear", {{"predictor_type", "regressor"}, {"seed", "-1"}}), "seed");
}

TEST(TrainingPlanTest, LinearLearnerMapsItsNamesOntoKilnsLinearLearner) {
  auto p = Plan("linear-learner:1", {{"predictor_type", "binary_classifier"},
                                     {"l1", "0.01"},
                                     {"wd", "0.03"},
                                     {"use_bias", "false"},
                                     {"normalize_data", "false"},
                                     {"feature_dim", "3"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->task, Task::kBinary);
  EXPECT_EQ(p->learner, "linear");
  EXPECT_EQ(p->learner_params.at("alpha"), "0.04");
  EXPECT_EQ(p->learner_params.at("l1_ratio"), "0.25");
  EXPECT_EQ(p->learner_params.at("fit_intercept"), "false");
  EXPECT_FALSE(p->standardize);
  EXPECT_EQ(p->feature_dim, 3);
  auto multi = Plan("linear-learner:1", {{"predictor_type", "multiclass_classifier"},
                                         {"num_classes", "4"},
                                         {"balance_multiclass_weights", "true"}});
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  EXPECT_EQ(multi->num_classes, 4);
  EXPECT_EQ(multi->learner_params.at("class_weight"), "balanced");
}

TEST(TrainingPlanTest, LinearLearnerRejectsWhatItDoesNotHonourByName) {
  ExpectError(Plan("linear-learner:1", {}), "\"predictor_type\" is required");
  ExpectError(Plan("linear-learner:1", {{"predictor_type", "multiclass_classifier"}}),
              "\"num_classes\" is required");
  ExpectError(Plan("linear-learner:1",
                   {{"predictor_type", "regressor"}, {"margin", "2"}, {"quantile", "0.3"}}),
              "\"margin\", \"quantile\" not supported by Kiln's linear learner");
  ExpectError(Plan("linear-learner:1", {{"predictor_type", "regressor"}, {"loss", "huber_loss"}}),
              "\"loss\" = \"huber_loss\" is not supported");
  ExpectError(Plan("linear-learner:1", {{"predictor_type", "ranker"}}), "predictor_type");
  ExpectError(Plan("linear-learner:1", {{"predictor_type", "regressor"}, {"feature_dim", "x"}}),
              "feature_dim");
}

TEST(TrainingPlanTest, LinearLearnerAcceptsSgdSettingsAndNotesThem) {
  auto plan = Plan("linear-learner:1",
                   {{"predictor_type", "regressor"}, {"epochs", "15"}, {"mini_batch_size", "100"}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(plan->notes[0].find("epochs=15, mini_batch_size=100"), std::string::npos);
  EXPECT_EQ(plan->learner_params.count("epochs"), 0u);
}

TEST(TrainingPlanTest, KnnMapsKAndPredictorType) {
  auto p = Plan("knn:1", {{"k", "3"}, {"predictor_type", "classifier"}, {"sample_size", "50"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->learner_params.at("n_neighbors"), "3");
  EXPECT_EQ(p->label_rule, LabelRule::kAnyClass);
  EXPECT_EQ(p->sample_size, 50u);
  ExpectError(Plan("knn:1", {{"predictor_type", "regressor"}}), "\"k\"");
  ExpectError(
      Plan("knn:1", {{"k", "3"}, {"predictor_type", "regressor"}, {"index_metric", "COSINE"}}),
      "index_metric");
}

TEST(TrainingPlanTest, KilnLearnersNeedAPredictorType) {
  ExpectError(Plan("kiln-random-forest", {{"n_estimators", "5"}}),
              "\"predictor_type\" is required");
  auto p = Plan("kiln-extra-trees", {{"predictor_type", "classifier"}, {"n_estimators", "5"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->learner, "extra_trees");
}

TEST(TrainingPlanTest, UnsupervisedAlgorithmsTakeSageMakerNames) {
  auto k = Plan("kmeans:1", {{"k", "2"}, {"max_iterations", "20"}, {"feature_dim", "3"}});
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->label_rule, LabelRule::kNone);
  EXPECT_EQ(k->learner_params.at("max_iter"), "20");
  EXPECT_EQ(k->label_columns, 0);
  ExpectError(Plan("kmeans:1", {{"k", "2"}, {"mini_batch_size", "5"}}), "mini_batch_size");
  ExpectError(Plan("pca:1", {{"num_components", "2"}, {"target", "y"}}),
              "\"target\" does not apply");
  EXPECT_TRUE(Plan("pca:1", {{"num_components", "2"}}).ok());
}

TEST(TrainingPlanTest, OnlyTrainValidationAndTestChannelsAreRead) {
  nlohmann::json r = TrainingTest::Request("j", "xgboost:1", {{"num_round", "3"}});
  r["InputDataConfig"].push_back(TrainingTest::Channel("extra", "x/"));
  ExpectError(PlanTraining(*ParseTrainingJobRequest(r, nullptr)), "channel \"extra\"");
}

}  // namespace
}  // namespace kiln
