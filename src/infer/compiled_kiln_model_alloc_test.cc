// CompiledKilnModel::Predict allocates nothing per call once compiled, for knn members and for
// k-means and PCA models, from decoded rows and from float rows: this test binary's operator new
// counts the calls made on a thread while it is counting. (Eigen's own allocations bypass
// operator new; CompiledKMeans's product runs on stack-mapped buffers, which Eigen's
// matrix-vector kernel uses in place.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <random>

#include "infer/compiled_kiln_model.h"
#include "infer/internal/xgboost_test_util.h"
#include "learn/unsupervised/unsupervised_model.h"
#include "model/kiln_model.h"

namespace {

thread_local bool counting = false;
thread_local long allocations = 0;

}  // namespace

// GCC takes the replaced pair, malloc and free, for a mismatch once it inlines them.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  if (counting)
    ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace kiln {
namespace {

// Calls to operator new on this thread during fn().
template <typename F>
long AllocationsOf(F&& fn) {
  allocations = 0;
  counting = true;
  fn();
  counting = false;
  return allocations;
}

Matrix Numbers(std::size_t rows, std::size_t cols) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-1, 1);
  Matrix x(rows, cols);
  for (float& v : x.values)
    v = u(rng) < -0.9f ? std::nanf("") : u(rng);
  return x;
}

void ExpectNoAllocation(const KilnModel& model, const std::string& what) {
  std::vector<std::string> columns;
  for (const ColumnSchema& c : model.InputSchema())
    columns.push_back(c.name);
  Result<CompiledKilnModel> compiled = CompiledKilnModel::Compile(model, columns);
  ASSERT_TRUE(compiled.ok()) << what << ": " << compiled.status().ToString();
  const InputRows rows = compiled->ProbeRows();
  std::vector<double> out(rows.rows * static_cast<std::size_t>(compiled->num_outputs()));
  EXPECT_EQ(AllocationsOf([&] { compiled->Predict(rows, out.data()); }), 0) << what;
  if (compiled->layout().all_plain_numbers()) {
    const Matrix x = Numbers(rows.rows, compiled->layout().num_request_columns);
    EXPECT_EQ(AllocationsOf([&] { compiled->Predict(x.values.data(), x.rows, out.data()); }), 0)
        << what;
  }
  EXPECT_GT(AllocationsOf([&] { (void)model.Predict(InputTable(compiled->layout(), rows)); }), 0)
      << what << ": the counter counts";
}

TEST(CompiledKilnModelAllocations, KnnKMeansAndPcaPredictWithoutAllocating) {
  const Table credit = infer_testing::ReadExample("credit-g");
  ExpectNoAllocation(
      infer_testing::TrainKilnEnsemble(credit, {"knn", "xgboost"}, {{{"weights", "distance"}}, {}}),
      "knn on credit-g");
  const Matrix x = Numbers(300, 4);
  const Table numbers = infer_testing::ToTable(x);
  for (const auto& [algorithm, params] : std::vector<std::pair<std::string, HyperParams>>{
           {"kmeans", {{"k", "5"}}}, {"pca", {{"num_components", "3"}}}}) {
    for (const Table* table : {&credit, &numbers}) {
      KilnModel model;
      std::vector<std::string> features;
      for (const Column& c : table->columns)
        features.push_back(c.name);
      PipelineSpec spec;
      spec.encoding = FeatureEncoding::kLinear;
      Matrix train;
      Result<FeaturePipeline> p =
          FeaturePipeline::Fit(*table, features, spec, Task::kRegression, 0, {}, 1, &train);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      model.pipelines.push_back(std::move(p).value());
      Result<std::unique_ptr<UnsupervisedModel>> fitted =
          FitUnsupervised(algorithm, params, train, FitContext{1, 3});
      ASSERT_TRUE(fitted.ok()) << fitted.status().ToString();
      model.unsupervised = UnsupervisedPart{algorithm, params, std::move(fitted).value()};
      ExpectNoAllocation(model, algorithm);
    }
  }
}

}  // namespace
}  // namespace kiln
