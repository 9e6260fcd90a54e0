#include "automl/search_space.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "automl/param_spec_builders.h"

namespace kiln {
namespace {

// The error message of validating a one-parameter space, "" when valid.
std::string ErrorOf(const ParamSpec& p) {
  SearchSpace space{{p}};
  Status s = space.Validate();
  if (s.ok())
    return "";
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  return s.message();
}

TEST(ParamSpecTest, FormatPrintsIntsWithoutDecimals) {
  ParamSpec p = IntParam("max_depth", 1, 12);
  EXPECT_EQ(p.Format(6), "6");
  EXPECT_EQ(p.Format(5.6), "6");
  EXPECT_EQ(p.Format(-3), "-3");
  EXPECT_EQ(p.Format(100000), "100000");
}

TEST(ParamSpecTest, FormatPrintsFloatsAtFourSignificantDigitsInShortestForm) {
  ParamSpec p = FloatParam("eta", 1e-6, 1000, /*log=*/true);
  EXPECT_EQ(p.Format(0.05), "0.05");
  EXPECT_EQ(p.Format(0.1 + 0.2), "0.3");
  EXPECT_EQ(p.Format(0.123456789), "0.1235");
  EXPECT_EQ(p.Format(123.456), "123.5");
  EXPECT_EQ(p.Format(3.0), "3");
  EXPECT_EQ(p.Format(1.23456e-5), "1.235e-05");
  EXPECT_EQ(p.Format(0), "0");
  EXPECT_EQ(p.Format(-0.0123456), "-0.01235");
  EXPECT_EQ(p.Format(std::nan("")), "");
}

TEST(ParamSpecTest, FormatNeverRoundsAnInRangeFloatOutOfItsBounds) {
  ParamSpec p = FloatParam("x", 0.12344, 0.98766);
  EXPECT_EQ(p.Format(0.12344), "0.12344");  // 0.1234 would be below low
  EXPECT_EQ(p.Format(0.98766), "0.98766");  // 0.9877 would be above high
  EXPECT_EQ(p.Format(0.123456), "0.1235");
  EXPECT_EQ(p.Format(2.123456), "2.123");  // out of range: plain rounding
}

TEST(ParamSpecTest, FormatPrintsTheChoiceAtTheRoundedClampedIndex) {
  ParamSpec p = ChoiceParam("tree_method", {"exact", "approx", "hist"});
  EXPECT_EQ(p.Format(0), "exact");
  EXPECT_EQ(p.Format(2), "hist");
  EXPECT_EQ(p.Format(1.4), "approx");
  EXPECT_EQ(p.Format(7), "hist");
  EXPECT_EQ(p.Format(-1), "exact");
}

TEST(ParamSpecTest, QuantizeIsIdempotentAndMatchesFormat) {
  ParamSpec f = FloatParam("x", -10, 10);
  for (double v : {0.1234567, -3.14159265, 9.99999, 1e-9, 7.0}) {
    const double q = f.Quantize(v);
    EXPECT_EQ(f.Quantize(q), q) << v;
    EXPECT_EQ(std::stod(f.Format(v)), q) << v;
  }
  EXPECT_EQ(IntParam("n", 1, 9).Quantize(2.5), 3);
  EXPECT_EQ(ChoiceParam("c", {"a", "b"}).Quantize(5), 1);
}

TEST(SearchSpaceTest, ValidateAcceptsAWellFormedSpace) {
  SearchSpace space{{FloatParam("eta", 1e-3, 0.3, /*log=*/true), IntParam("max_depth", 2, 10),
                     IntParam("num_round", 10, 1000, /*log=*/true),
                     ChoiceParam("tree_method", {"approx", "hist"})}};
  EXPECT_TRUE(space.Validate().ok()) << space.Validate().ToString();
}

TEST(SearchSpaceTest, ValidateRejectsAnEmptySpace) {
  EXPECT_EQ(SearchSpace{}.Validate().code(), StatusCode::kInvalidArgument);
}

TEST(SearchSpaceTest, ValidateRejectsDuplicateAndEmptyNames) {
  SearchSpace dup{{FloatParam("eta", 0, 1), IntParam("eta", 1, 5)}};
  Status s = dup.Validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("\"eta\""), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("more than one"), std::string::npos) << s.message();
  EXPECT_NE(ErrorOf(FloatParam("", 0, 1)).find("no name"), std::string::npos);
}

TEST(SearchSpaceTest, ValidateRejectsInvertedEmptyAndNonFiniteBounds) {
  EXPECT_NE(ErrorOf(FloatParam("x", 2, 1)).find("low (2) must be less than high (1)"),
            std::string::npos);
  EXPECT_NE(ErrorOf(IntParam("x", 3, 3)).find("must be less than"), std::string::npos);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_NE(ErrorOf(FloatParam("x", 0, inf)).find("finite"), std::string::npos);
  EXPECT_NE(ErrorOf(FloatParam("x", std::nan(""), 1)).find("finite"), std::string::npos);
}

TEST(SearchSpaceTest, ValidateRejectsFractionalIntBounds) {
  EXPECT_NE(ErrorOf(IntParam("depth", 1.5, 8)).find("integral bounds"), std::string::npos);
}

TEST(SearchSpaceTest, ValidateRejectsLogScaleWithoutPositiveLow) {
  std::string e = ErrorOf(FloatParam("lambda", 0, 1, /*log=*/true));
  EXPECT_NE(e.find("parameter \"lambda\": log scale needs low > 0, got 0"), std::string::npos) << e;
  EXPECT_NE(ErrorOf(IntParam("n", -1, 5, /*log=*/true)).find("low > 0"), std::string::npos);
}

TEST(SearchSpaceTest, ValidateRejectsBadChoices) {
  EXPECT_NE(ErrorOf(ChoiceParam("booster", {})).find("at least one choice"), std::string::npos);
  EXPECT_NE(
      ErrorOf(ChoiceParam("booster", {"gbtree", "gbtree"})).find("\"gbtree\" is listed twice"),
      std::string::npos);
  ParamSpec log_choice = ChoiceParam("booster", {"gbtree"});
  log_choice.log = true;
  EXPECT_NE(ErrorOf(log_choice).find("log scale applies only"), std::string::npos);
}

TEST(SearchSpaceTest, ToHyperParamsFormatsEachValueByName) {
  SearchSpace space{{IntParam("max_depth", 1, 12), FloatParam("eta", 1e-3, 1, /*log=*/true),
                     ChoiceParam("tree_method", {"approx", "hist"})}};
  auto hp = ToHyperParams(space, {6, 0.05, 1});
  EXPECT_EQ(hp, (std::map<std::string, std::string>{
                    {"max_depth", "6"}, {"eta", "0.05"}, {"tree_method", "hist"}}));
}

}  // namespace
}  // namespace kiln
