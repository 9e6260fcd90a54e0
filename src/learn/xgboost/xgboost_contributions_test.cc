#include "learn/xgboost/xgboost_contributions.h"

#include <gtest/gtest.h>

#include "learn/xgboost/xgboost_learner.h"
#include "learn/xgboost/xgboost_test_data.h"

namespace kiln {
namespace {

using xgboost_test::Data;
using xgboost_test::Make;
using xgboost_test::Shape;

std::unique_ptr<Model> Train(Task task, int classes, const Data& train) {
  auto learner = MakeXgboostLearner({{"num_round", "15"}}, task, classes);
  EXPECT_TRUE(learner.ok());
  auto model = (*learner)->Fit(train.Set(), nullptr, {});
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? std::move(model).value() : nullptr;
}

// Every (cols + 1) block of contributions sums to the matching margin.
void ExpectContributionsSumToMargin(Task task, int classes, const Data& train) {
  auto model = Train(task, classes, train);
  ASSERT_NE(model, nullptr);
  const Matrix& x = train.x;
  auto contributions = XgboostContributions(*model, x);
  ASSERT_TRUE(contributions.ok()) << contributions.status().ToString();
  std::vector<double> margin;
  model->PredictMargin(x, &margin);
  const std::size_t outputs = model->num_outputs();
  ASSERT_EQ(margin.size(), x.rows * outputs);
  ASSERT_EQ(contributions->size(), x.rows * outputs * (x.cols + 1));
  bool any_feature_matters = false;
  for (std::size_t block = 0; block < x.rows * outputs; ++block) {
    double sum = 0;
    for (std::size_t c = 0; c <= x.cols; ++c) {
      const double v = (*contributions)[block * (x.cols + 1) + c];
      sum += v;
      if (c < x.cols && v != 0)
        any_feature_matters = true;
    }
    ASSERT_NEAR(sum, margin[block], 1e-4) << "block " << block;
  }
  EXPECT_TRUE(any_feature_matters);
}

TEST(XgboostContributionsTest, BinaryContributionsSumToTheMargin) {
  ExpectContributionsSumToMargin(Task::kBinary, 2, Make(Shape::kBinary, 200, 1));
}

TEST(XgboostContributionsTest, MulticlassContributionsSumToEachClassMargin) {
  ExpectContributionsSumToMargin(Task::kMulticlass, 3, Make(Shape::kMulticlass, 200, 2));
}

TEST(XgboostContributionsTest, RegressionContributionsSumToThePrediction) {
  const Data data = Make(Shape::kRegression, 200, 3);
  ExpectContributionsSumToMargin(Task::kRegression, 0, data);
  // For squared error the margin is the prediction itself.
  auto model = Train(Task::kRegression, 0, data);
  ASSERT_NE(model, nullptr);
  std::vector<double> pred;
  model->Predict(data.x, &pred);
  std::vector<double> margin;
  model->PredictMargin(data.x, &margin);
  EXPECT_EQ(margin, pred);
}

TEST(XgboostContributionsTest, CategoricalModelsAreExplainedToo) {
  Data data = Make(Shape::kBinary, 200, 4);
  for (std::size_t r = 0; r < data.x.rows; ++r) {
    data.x.at(r, 0) = static_cast<float>(r % 5);
    data.y[r] = r % 5 == 2 || r % 5 == 4 ? 1 : 0;
  }
  data.categorical = {true, false, false, false};
  ExpectContributionsSumToMargin(Task::kBinary, 2, data);
}

TEST(XgboostContributionsTest, ModelContributionsIsOverriddenWithTheSameValues) {
  for (Shape shape : {Shape::kBinary, Shape::kMulticlass, Shape::kRegression}) {
    const Task task = shape == Shape::kBinary       ? Task::kBinary
                      : shape == Shape::kMulticlass ? Task::kMulticlass
                                                    : Task::kRegression;
    const int classes = task == Task::kBinary ? 2 : task == Task::kMulticlass ? 3 : 0;
    const Data data = Make(shape, 100, 6);
    auto model = Train(task, classes, data);
    ASSERT_NE(model, nullptr);
    const Model& base = *model;
    auto through_interface = base.Contributions(data.x);
    ASSERT_TRUE(through_interface.ok()) << through_interface.status().ToString();
    auto direct = XgboostContributions(*model, data.x);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(*through_interface, *direct) << TaskName(task);
    // Layout rows × outputs × (cols + 1), class-minor: row 1's blocks follow row 0's.
    ASSERT_EQ(through_interface->size(), data.x.rows * model->num_outputs() * (data.x.cols + 1));
    // The bias (last of each block) is the same constant for every row of one output.
    const std::size_t stride = data.x.cols + 1;
    const std::size_t outputs = model->num_outputs();
    for (std::size_t r = 1; r < data.x.rows; ++r) {
      for (std::size_t o = 0; o < outputs; ++o) {
        ASSERT_EQ((*through_interface)[(r * outputs + o) * stride + data.x.cols],
                  (*through_interface)[o * stride + data.x.cols])
            << TaskName(task) << " row " << r << " output " << o;
      }
    }
  }
}

TEST(XgboostContributionsTest, NoRowsGiveNoContributions) {
  auto model = Train(Task::kBinary, 2, Make(Shape::kBinary, 100, 7));
  ASSERT_NE(model, nullptr);
  auto c = model->Contributions(Matrix(0, 4));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->empty());
}

class NotXgboost final : public Model {
 public:
  std::string algorithm() const override { return "linear"; }
  Task task() const override { return Task::kBinary; }
  int num_classes() const override { return 2; }
  void Predict(const Matrix& x, std::vector<double>* out) const override { out->assign(x.rows, 0); }
  Result<std::string> Serialize() const override { return std::string(); }
};

TEST(XgboostContributionsTest, OtherModelsAreRejected) {
  const Matrix x(2, 4);
  EXPECT_EQ(XgboostContributions(NotXgboost(), x).status().code(), StatusCode::kInvalidArgument);
}

TEST(XgboostContributionsTest, WrongColumnCountIsRejected) {
  auto model = Train(Task::kBinary, 2, Make(Shape::kBinary, 100, 5));
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(XgboostContributions(*model, Matrix(3, 5)).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kiln
