#include "learn/xgboost/xgboost_handles.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(XgboostHandlesTest, ConfigStringReadsTheFirstFlatValueOfAKey) {
  const std::string config =
      R"({"learner":{"gradient_booster":{"name":"gbtree"},"booster":"dart","num_class":"3"}})";
  EXPECT_EQ(XgbConfigString(config, "booster"), "dart");
  EXPECT_EQ(XgbConfigString(config, "num_class"), "3");
  EXPECT_EQ(XgbConfigString(config, "objective"), "");
  EXPECT_EQ(XgbConfigString(R"({"booster":"gbt)", "booster"), "");
}

TEST(XgboostHandlesTest, PredictConfigNamesTheTypeAndShape) {
  EXPECT_EQ(XgbPredictConfig(0, false),
            "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
            "\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}");
  EXPECT_NE(XgbPredictConfig(2, true).find("\"type\":2,"), std::string::npos);
  EXPECT_NE(XgbPredictConfig(2, true).find("\"strict_shape\":true"), std::string::npos);
}

TEST(XgboostHandlesTest, ArrayInterfaceDescribesTheMatrix) {
  Matrix x(2, 3);
  const std::string a = XgbArrayInterface(x);
  EXPECT_NE(a.find("\"shape\":[2,3]"), std::string::npos) << a;
  EXPECT_NE(a.find("\"typestr\":\"<f4\""), std::string::npos) << a;
}

TEST(XgboostHandlesTest, ShapeSizeMultipliesTheDimensions) {
  const bst_ulong shape[] = {4, 3, 2};
  EXPECT_EQ(XgbShapeSize(shape, 3), 24u);
  EXPECT_EQ(XgbShapeSize(shape, 1), 4u);
  EXPECT_EQ(XgbShapeSize(shape, 0), 1u);
}

}  // namespace
}  // namespace kiln
