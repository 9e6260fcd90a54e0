#include "learn/forest/forest_params.h"

#include <gtest/gtest.h>

#include "learn/forest/forest_learner.h"

namespace kiln {
namespace {

Status ParseError(const HyperParams& hp, Task task = Task::kBinary,
                  ForestKind kind = ForestKind::kRandomForest) {
  return ForestParams::Parse(kind, hp, task).status();
}

TEST(ForestParamsTest, DefaultsFollowScikitLearnForClassification) {
  auto rf = MakeForestLearner("random_forest", {}, Task::kBinary, 2);
  ASSERT_TRUE(rf.ok()) << rf.status().ToString();
  const HyperParams p = (*rf)->params();
  EXPECT_EQ(p.at("n_estimators"), "100");
  EXPECT_EQ(p.at("criterion"), "gini");
  EXPECT_EQ(p.at("max_features"), "sqrt");
  EXPECT_EQ(p.at("max_depth"), "none");
  EXPECT_EQ(p.at("min_samples_split"), "2");
  EXPECT_EQ(p.at("min_samples_leaf"), "1");
  EXPECT_EQ(p.at("bootstrap"), "true");
  EXPECT_EQ(p.at("class_weight"), "none");
  EXPECT_EQ((*rf)->algorithm(), "random_forest");

  auto et = MakeForestLearner("extra_trees", {}, Task::kMulticlass, 3);
  ASSERT_TRUE(et.ok());
  EXPECT_EQ((*et)->params().at("bootstrap"), "false");
  EXPECT_EQ((*et)->params().at("max_samples"), "none");
}

TEST(ForestParamsTest, DefaultsFollowScikitLearnForRegression) {
  auto rf = MakeForestLearner("random_forest", {}, Task::kRegression, 0);
  ASSERT_TRUE(rf.ok());
  EXPECT_EQ((*rf)->params().at("criterion"), "squared_error");
  EXPECT_EQ((*rf)->params().at("max_features"), "1.0");
}

TEST(ForestParamsTest, ValidValuesAreSpelledCanonically) {
  auto p = ForestParams::Parse(ForestKind::kRandomForest,
                               {{"n_estimators", "7"},
                                {"criterion", "log_loss"},
                                {"max_depth", "12"},
                                {"max_features", "0.5"},
                                {"min_samples_leaf", "0.01"},
                                {"max_samples", "0.8"},
                                {"class_weight", "Balanced"},
                                {"bootstrap", "TRUE"}},
                               Task::kBinary);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const HyperParams h = p->ToHyperParams();
  EXPECT_EQ(h.at("criterion"), "entropy");
  EXPECT_EQ(h.at("max_depth"), "12");
  EXPECT_EQ(h.at("max_features"), "0.5");
  EXPECT_EQ(h.at("min_samples_leaf"), "0.01");
  EXPECT_EQ(h.at("max_samples"), "0.8");
  EXPECT_EQ(h.at("class_weight"), "balanced");
  // The canonical spelling parses back to the same parameters.
  auto again = ForestParams::Parse(ForestKind::kRandomForest, h, Task::kBinary);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToHyperParams(), h);
}

TEST(ForestParamsTest, UnknownNameListsValidNames) {
  Status s = ParseError({{"n_trees", "10"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("\"n_trees\""), std::string::npos);
  EXPECT_NE(s.message().find("random_forest"), std::string::npos);
  EXPECT_NE(s.message().find("valid names: bootstrap, class_weight"), std::string::npos);
  EXPECT_NE(s.message().find("n_estimators"), std::string::npos);
}

TEST(ForestParamsTest, BadRangesNameTheHyperparameter) {
  const std::pair<const char*, const char*> bad[] = {
      {"n_estimators", "0"},         {"n_estimators", "ten"},      {"max_depth", "-1"},
      {"min_samples_split", "1"},    {"min_samples_split", "1.5"}, {"min_samples_leaf", "0"},
      {"min_samples_leaf", "1.0"},   {"max_features", "0"},        {"max_features", "1.5"},
      {"max_features", "cube"},      {"max_samples", "0.0"},       {"min_impurity_decrease", "-1"},
      {"bootstrap", "maybe"},        {"class_weight", "uniform"},  {"max_features", "auto"},
      {"criterion", "squared_error"}};
  for (const auto& [name, value] : bad) {
    Status s = ParseError({{name, value}});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << name << "=" << value;
    EXPECT_NE(s.message().find(std::string("\"") + name + "\""), std::string::npos) << s.message();
  }
}

TEST(ForestParamsTest, CriterionMustFitTheTask) {
  EXPECT_FALSE(ParseError({{"criterion", "gini"}}, Task::kRegression).ok());
  EXPECT_TRUE(ParseError({{"criterion", "squared_error"}}, Task::kRegression).ok());
  EXPECT_FALSE(ParseError({{"class_weight", "balanced"}}, Task::kRegression).ok());
}

TEST(ForestParamsTest, MaxSamplesRequiresBootstrap) {
  Status s = ParseError({{"max_samples", "0.5"}}, Task::kBinary, ForestKind::kExtraTrees);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("bootstrap"), std::string::npos);
  EXPECT_TRUE(ParseError({{"max_samples", "0.5"}, {"bootstrap", "true"}}, Task::kBinary,
                         ForestKind::kExtraTrees)
                  .ok());
}

TEST(ForestParamsTest, RandomStateIsRefusedWithAHint) {
  Status s = ParseError({{"random_state", "42"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("seed"), std::string::npos);
}

TEST(ForestParamsTest, MaxFeaturesResolvesLikeScikitLearn) {
  auto with = [](const char* v) {
    return ForestParams::Parse(ForestKind::kRandomForest, {{"max_features", v}}, Task::kBinary)
        .value();
  };
  EXPECT_EQ(with("sqrt").MaxFeatures(15), 3u);
  EXPECT_EQ(with("log2").MaxFeatures(100), 6u);
  EXPECT_EQ(with("0.5").MaxFeatures(10), 5u);
  EXPECT_EQ(with("0.01").MaxFeatures(10), 1u);
  EXPECT_EQ(with("7").MaxFeatures(10), 7u);
  EXPECT_EQ(with("70").MaxFeatures(10), 10u);
  EXPECT_EQ(with("1").MaxFeatures(10), 1u);
  EXPECT_EQ(with("1.0").MaxFeatures(10), 10u);
  EXPECT_EQ(with("none").MaxFeatures(10), 10u);
}

TEST(ForestParamsTest, FractionsResolveToCeilingCounts) {
  EXPECT_EQ((CountOrFraction{true, 0.1}).Resolve(1000, 1), 100u);
  EXPECT_EQ((CountOrFraction{true, 0.001}).Resolve(10, 1), 1u);
  EXPECT_EQ((CountOrFraction{false, 5}).Resolve(1000, 1), 5u);
}

TEST(ForestParamsTest, FactoryRejectsUnknownAlgorithmAndBadClassCounts) {
  EXPECT_EQ(MakeForestLearner("gbm", {}, Task::kBinary, 2).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeForestLearner("random_forest", {}, Task::kBinary, 3).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kiln
