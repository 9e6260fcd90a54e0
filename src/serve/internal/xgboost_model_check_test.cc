#include "serve/internal/xgboost_model_check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/internal/serve_test_util.h"
#include "serve/predictor.h"

namespace kiln::serve_internal {
namespace {

using nlohmann::json;

class XgboostModelCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto trained =
        serve_testing::TrainBooster(serve_testing::MakeData(200, 3, 3, 9), "multi:softprob", 3, 3);
    model_ = json::parse(trained.json_model);
  }
  json& Tree(int t) { return model_["learner"]["gradient_booster"]["model"]["trees"][t]; }
  std::string Refusal() {
    const Status s = CheckXgboostModel(model_);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
    return s.message();
  }
  json model_;
};

TEST_F(XgboostModelCheckTest, AWellFormedModelPasses) {
  EXPECT_TRUE(CheckXgboostModel(model_).ok()) << CheckXgboostModel(model_).ToString();
}

TEST_F(XgboostModelCheckTest, AChildOutOfRangeIsRefused) {
  Tree(0)["left_children"][0] = 1000;
  EXPECT_NE(Refusal().find("tree 0: node 0 has children 1000"), std::string::npos);
}

TEST_F(XgboostModelCheckTest, ACycleIsRefused) {
  const int n = static_cast<int>(Tree(1)["left_children"].size());
  ASSERT_GT(n, 1);
  Tree(1)["left_children"][1] = 1;
  Tree(1)["right_children"][1] = 1;
  EXPECT_NE(Refusal().find("reached twice"), std::string::npos);
}

TEST_F(XgboostModelCheckTest, ASplitPastTheLastFeatureIsRefused) {
  int t = 0;
  while (Tree(t)["left_children"][0] == -1)
    ++t;
  Tree(t)["split_indices"][0] = 3;
  EXPECT_NE(Refusal().find("node 0 splits on feature 3 of 3"), std::string::npos);
}

TEST_F(XgboostModelCheckTest, ATreeOfAMissingOutputGroupIsRefused) {
  model_["learner"]["gradient_booster"]["model"]["tree_info"][2] = 3;
  EXPECT_NE(Refusal().find("output group"), std::string::npos);
}

TEST_F(XgboostModelCheckTest, ArraysOfTheWrongLengthAreRefused) {
  Tree(0)["right_children"].erase(0);
  EXPECT_NE(Refusal().find("right_children"), std::string::npos);
}

TEST_F(XgboostModelCheckTest, CategoriesPastTheirListAreRefused) {
  Tree(0)["split_type"][0] = 1;
  Tree(0)["categories_nodes"] = json::array({0});
  Tree(0)["categories_segments"] = json::array({0});
  Tree(0)["categories_sizes"] = json::array({5});
  Tree(0)["categories"] = json::array({1, 2});
  EXPECT_NE(Refusal().find("run past"), std::string::npos);
  Tree(0)["categories_sizes"] = json::array({2});
  EXPECT_TRUE(CheckXgboostModel(model_).ok());
}

TEST_F(XgboostModelCheckTest, TheLoaderRefusesACorruptJsonModelBeforeLibxgboostSeesIt) {
  Tree(0)["left_children"][0] = -7;
  const std::vector<TarEntry> files = {{"xgboost-model", model_.dump()}};
  auto p = LoadPredictor(files, PredictorOptions{"/tmp"});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("malformed"), std::string::npos) << p.error().ToString();
}

}  // namespace
}  // namespace kiln::serve_internal
