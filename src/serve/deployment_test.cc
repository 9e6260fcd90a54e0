#include "serve/deployment.h"

#include <gtest/gtest.h>

#include <map>

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

VariantDeployment Variant(const std::string& name, double weight, int instances) {
  VariantDeployment v;
  v.name = name;
  v.weight = weight;
  for (int i = 0; i < instances; ++i)
    v.instances.push_back({std::make_shared<FakePredictor>()});
  return v;
}

std::vector<VariantDeployment> Variants(double a, double b) {
  std::vector<VariantDeployment> v;
  v.push_back(Variant("A", a, 1));
  v.push_back(Variant("B", b, 1));
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

TEST(Deployment, InstancesTakeTurns) {
  std::vector<VariantDeployment> v;
  v.push_back(Variant("A", 1, 3));
  Deployment d(std::move(v), 1);
  const Predictor* first = d.PickInstance(0).predictor.get();
  const Predictor* second = d.PickInstance(0).predictor.get();
  const Predictor* third = d.PickInstance(0).predictor.get();
  EXPECT_NE(first, second);
  EXPECT_NE(second, third);
  EXPECT_EQ(d.PickInstance(0).predictor.get(), first);
}

}  // namespace
}  // namespace kiln
