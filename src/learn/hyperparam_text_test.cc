#include "learn/hyperparam_text.h"

#include <gtest/gtest.h>

#include <string>

namespace kiln {
namespace {

template <typename T>
std::string ErrorOf(const Result<T>& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(HyperparamTextTest, PositiveIntsAreWholeNumbersFromOneToIntMax) {
  EXPECT_EQ(*hp::ParsePositiveInt("k", "7"), 7);
  EXPECT_EQ(*hp::ParsePositiveInt("k", "2147483647"), 2147483647);
  EXPECT_EQ(ErrorOf(hp::ParsePositiveInt("k", "0")), "hyperparameter \"k\": 0 must be ≥ 1");
  EXPECT_EQ(ErrorOf(hp::ParsePositiveInt("k", "2147483648")),
            "hyperparameter \"k\": 2147483648 is too large");
  EXPECT_EQ(ErrorOf(hp::ParsePositiveInt("k", "3.5")),
            "hyperparameter \"k\": \"3.5\" is not an integer");
}

TEST(HyperparamTextTest, BoolsAreTrueFalseOneOrZeroInAnyCase) {
  EXPECT_TRUE(*hp::ParseBool("b", "TRUE"));
  EXPECT_TRUE(*hp::ParseBool("b", "1"));
  EXPECT_FALSE(*hp::ParseBool("b", "False"));
  EXPECT_FALSE(*hp::ParseBool("b", "0"));
  EXPECT_EQ(ErrorOf(hp::ParseBool("b", "yes")),
            "hyperparameter \"b\": \"yes\" is not true or false");
}

TEST(HyperparamTextTest, UnknownNameListsTheValidOnes) {
  static constexpr const char* kNames[] = {"alpha", "beta"};
  EXPECT_EQ(hp::UnknownName("gamma", "linear", kNames).message(),
            "unknown hyperparameter \"gamma\" for algorithm \"linear\"; valid names: alpha, beta");
}

TEST(HyperparamTextTest, AliasedValueTakesEitherNameButNotBoth) {
  EXPECT_EQ(*hp::AliasedValue({{"n_clusters", "3"}}, "k", "n_clusters"), "3");
  EXPECT_FALSE(hp::AliasedValue({}, "k", "n_clusters")->has_value());
  EXPECT_EQ(ErrorOf(hp::AliasedValue({{"k", "3"}, {"n_clusters", "3"}}, "k", "n_clusters")),
            "hyperparameters \"k\" and \"n_clusters\" name the same setting; give only one");
}

}  // namespace
}  // namespace kiln
