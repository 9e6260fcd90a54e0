// Tests for ShouldPreferPassiveWaits: which commands re-execute with passive OpenMP waits.
#include "cli/openmp_wait_policy.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(OpenMpWaitPolicyTest, FittingCommandsPreferPassiveWaits) {
  const char* automl[] = {"kiln", "automl", "train.csv", "--target", "y", nullptr};
  const char* train[] = {"kiln", "train", "--algorithm", "xgboost", nullptr};
  EXPECT_TRUE(ShouldPreferPassiveWaits(5, automl, nullptr));
  EXPECT_TRUE(ShouldPreferPassiveWaits(4, train, nullptr));
}

TEST(OpenMpWaitPolicyTest, AChosenPolicyIsKeptWhichAlsoEndsTheReexecution) {
  const char* automl[] = {"kiln", "automl", nullptr};
  EXPECT_FALSE(ShouldPreferPassiveWaits(2, automl, "PASSIVE"));
  EXPECT_FALSE(ShouldPreferPassiveWaits(2, automl, "ACTIVE"));
  EXPECT_FALSE(ShouldPreferPassiveWaits(2, automl, ""));
}

TEST(OpenMpWaitPolicyTest, OtherCommandsAndNoCommandKeepTheDefault) {
  const char* predict[] = {"kiln", "predict", "model.kiln", nullptr};
  const char* server[] = {"kiln", "server", nullptr};
  const char* none[] = {"kiln", nullptr};
  const char* flag[] = {"kiln", "--version", nullptr};
  EXPECT_FALSE(ShouldPreferPassiveWaits(3, predict, nullptr));
  EXPECT_FALSE(ShouldPreferPassiveWaits(2, server, nullptr));
  EXPECT_FALSE(ShouldPreferPassiveWaits(1, none, nullptr));
  EXPECT_FALSE(ShouldPreferPassiveWaits(2, flag, nullptr));
}

}  // namespace
}  // namespace kiln
