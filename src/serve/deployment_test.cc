#include "serve/deployment.h"

#include <gtest/gtest.h>

#include <map>

#include "common/clock.h"

namespace kiln {
namespace {

class FakePredictor final : public Predictor {
 public:
  std::size_t num_features() const override { return 1; }
  const OutputSchema& output() const override { return schema_; }
  Status Predict(const Matrix&, std::vector<double>*) const override { return Status::Ok(); }
  std::string Describe() const override { return "fake"; }

 private:
  OutputSchema schema_;
};

const SystemClock kClock;

VariantDeployment Variant(const std::string& name, double weight) {
  VariantDeployment v;
  v.name = name;
  v.weight = weight;
  v.live = std::make_shared<LiveVariant>(
      name,
      [] { return Result<std::shared_ptr<const Predictor>>(std::make_shared<FakePredictor>()); },
      std::make_shared<VariantStats>(std::chrono::seconds(10)), kClock, LiveVariantOptions{},
      [] {});
  return v;
}

std::vector<VariantDeployment> Variants(double a, double b) {
  std::vector<VariantDeployment> v;
  v.push_back(Variant("A", a));
  v.push_back(Variant("B", b));
  return v;
}

TEST(Deployment, TrafficSplitsByWeight) {
  Deployment d(Variants(3, 1), 42);
  std::map<std::size_t, int> hits;
  for (int i = 0; i < 4000; ++i)
    ++hits[*d.PickVariant()];
  EXPECT_NEAR(hits[0], 3000, 150);
  EXPECT_NEAR(hits[1], 1000, 150);
}

TEST(Deployment, TheSameSeedGivesTheSameSequence) {
  Deployment a(Variants(1, 1), 7);
  Deployment b(Variants(1, 1), 7);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(a.PickVariant(), b.PickVariant());
}

TEST(Deployment, AZeroWeightVariantGetsNoTraffic) {
  Deployment d(Variants(0, 2), 1);
  for (int i = 0; i < 200; ++i)
    EXPECT_EQ(d.PickVariant(), 1u);
  Deployment none(Variants(0, 0), 1);
  EXPECT_FALSE(none.PickVariant().has_value());
}

TEST(Deployment, FindsVariantsByExactName) {
  Deployment d(Variants(1, 1), 1);
  EXPECT_EQ(d.Find("B"), 1u);
  EXPECT_FALSE(d.Find("b").has_value());
}

TEST(Deployment, WithWeightsKeepsTheSameLiveVariants) {
  Deployment d(Variants(1, 0), 1);
  const std::shared_ptr<const Deployment> changed = d.WithWeights({0, 1}, 2);
  EXPECT_EQ(changed->variants()[0].live, d.variants()[0].live);
  EXPECT_EQ(changed->variants()[1].live, d.variants()[1].live);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(changed->PickVariant(), 1u);
}

TEST(Deployment, CaptureSamplesExactlyThePercentage) {
  DataCaptureSpec spec;
  spec.initial_sampling_percentage = 30;
  Deployment d(Variants(1, 1), 1, spec);
  int sampled = 0;
  for (int i = 0; i < 1000; ++i)
    sampled += d.SampleCapture() ? 1 : 0;
  EXPECT_EQ(sampled, 300);
  spec.enable = false;
  Deployment off(Variants(1, 1), 1, spec);
  EXPECT_FALSE(off.SampleCapture());
  Deployment none(Variants(1, 1), 1);
  EXPECT_FALSE(none.SampleCapture());
}

}  // namespace
}  // namespace kiln
