#include "explain/explanation_csv.h"

#include <gtest/gtest.h>

#include <limits>

namespace kiln {
namespace {

TEST(ExplanationCsvTest, BinaryHasOneColumnPerInputThenBias) {
  KilnModel model;
  model.task = Task::kBinary;
  model.num_classes = 2;
  model.class_labels = {"no", "yes"};
  Explanation e{2, 1, {"age", "work,class", "bias"}, {0.1, -2, 3, 0.1 + 0.2, 1e-7, -0.5}};
  EXPECT_EQ(RenderExplanationCsv(model, e),
            "age,\"work,class\",bias\n"
            "0.1,-2,3\n"
            "0.30000000000000004,1e-07,-0.5\n");
}

TEST(ExplanationCsvTest, MulticlassHasOneBlockPerClass) {
  KilnModel model;
  model.task = Task::kMulticlass;
  model.num_classes = 2;
  model.class_labels = {">50K", "say \"hi\""};
  Explanation e{1, 2, {"x", "bias"}, {1, 2, 3, std::numeric_limits<double>::quiet_NaN()}};
  EXPECT_EQ(RenderExplanationCsv(model, e),
            ">50K:x,>50K:bias,\"say \"\"hi\"\":x\",\"say \"\"hi\"\":bias\"\n"
            "1,2,3,\n");
}

TEST(ExplanationCsvTest, NoRowsGiveTheHeaderOnly) {
  KilnModel model;
  model.task = Task::kRegression;
  Explanation e{0, 1, {"a", "bias"}, {}};
  EXPECT_EQ(RenderExplanationCsv(model, e), "a,bias\n");
}

}  // namespace
}  // namespace kiln
