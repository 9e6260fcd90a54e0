#include "explain/explanation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "features/feature_pipeline.h"
#include "learn/registry.h"
#include "table/table_reader.h"

namespace kiln {
namespace {

// A labelled table and its encoded target (class index or value per row).
struct Labelled {
  Table table;
  std::vector<float> y;
  std::vector<std::string> class_labels;  // empty for regression
};

Labelled ReadLabelled(const std::string& path, const std::string& target, Task task) {
  ReadOptions read;
  read.dictionary_columns = {target};
  Result<Table> table = ReadTable(path, read);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  Labelled out{std::move(table).value(), {}, {}};
  const Column& c = out.table.columns[out.table.Find(target)];
  for (std::size_t r = 0; r < out.table.num_rows; ++r) {
    out.y.push_back(task == Task::kRegression ? static_cast<float>(c.values[r])
                                              : static_cast<float>(c.codes[r]));
  }
  if (task != Task::kRegression)
    out.class_labels = c.levels;
  return out;
}

std::vector<std::string> FeaturesOf(const Table& table, const std::string& target) {
  std::vector<std::string> out;
  for (const Column& c : table.columns) {
    if (c.name != target)
      out.push_back(c.name);
  }
  return out;
}

// Builds a KilnModel whose members are trained on `pipelines` (fitted here on `data`), each member
// a bag of models trained on different halves of the rows.
class ModelBuilder {
 public:
  ModelBuilder(const Labelled& data, Task task) : data_(data), task_(task) {
    model_.task = task;
    model_.num_classes = static_cast<int>(data.class_labels.size());
    model_.class_labels = data.class_labels;
    model_.target = "target";
  }

  // Adds a pipeline over `features`; returns its index.
  int AddPipeline(const std::vector<std::string>& features, FeatureEncoding encoding) {
    PipelineSpec spec;
    spec.encoding = encoding;
    spec.class_names = data_.class_labels;
    Matrix x;
    Result<FeaturePipeline> p = FeaturePipeline::Fit(data_.table, features, spec, task_,
                                                     model_.num_classes, data_.y, 7, &x);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    model_.pipelines.push_back(std::move(p).value());
    matrices_.push_back(std::move(x));
    return static_cast<int>(model_.pipelines.size()) - 1;
  }

  void AddMember(const std::string& algorithm, const HyperParams& hp, int pipeline, double weight,
                 int bag_size) {
    EnsembleMember member;
    member.candidate = "c" + std::to_string(model_.members.size());
    member.algorithm = algorithm;
    member.hyperparameters = hp;
    member.pipeline = pipeline;
    member.weight = weight;
    Result<std::unique_ptr<Learner>> learner =
        MakeLearner(algorithm, hp, task_, model_.num_classes);
    EXPECT_TRUE(learner.ok()) << learner.status().ToString();
    const Matrix& x = matrices_[pipeline];
    for (int j = 0; j < bag_size; ++j) {
      // Bag model j leaves out every bag_size-th row starting at j, as cross-validation folds do.
      std::vector<std::size_t> rows;
      std::vector<float> y;
      for (std::size_t r = 0; r < x.rows; ++r) {
        if (bag_size == 1 || static_cast<int>(r % bag_size) != j) {
          rows.push_back(r);
          y.push_back(data_.y[r]);
        }
      }
      const Matrix part = x.SelectRows(rows);
      TrainSet train{&part, y, {}, model_.pipelines[pipeline].output_categorical()};
      FitContext ctx;
      ctx.seed = static_cast<std::uint64_t>(j);
      Result<std::unique_ptr<Model>> fitted = (*learner)->Fit(train, nullptr, ctx);
      EXPECT_TRUE(fitted.ok()) << fitted.status().ToString();
      member.bag.push_back(std::shared_ptr<const Model>(std::move(fitted).value()));
    }
    model_.members.push_back(std::move(member));
  }

  KilnModel& model() { return model_; }

 private:
  const Labelled& data_;
  Task task_;
  KilnModel model_;
  std::vector<Matrix> matrices_;
};

// The table as `kiln explain` reads it: the model's input schema forced.
Table ReadForModel(const std::string& path, const KilnModel& model) {
  ReadOptions read;
  read.schema = model.InputSchema();
  Result<Table> t = ReadTable(path, read);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

// The largest |sum of a row's values - the ensemble margin| over every row and output.
double MaxAdditivityError(const KilnModel& model, const Table& table, const Explanation& e) {
  Result<Predictions> pred = model.Predict(table);
  EXPECT_TRUE(pred.ok()) << pred.status().ToString();
  EXPECT_EQ(pred->margin.size(), e.rows * e.outputs);
  double worst = 0;
  for (std::size_t r = 0; r < e.rows; ++r) {
    for (int o = 0; o < e.outputs; ++o) {
      double sum = 0;
      for (std::size_t c = 0; c < e.columns.size(); ++c)
        sum += e.at(r, o, c);
      worst = std::max(worst, std::abs(sum - pred->margin[r * e.outputs + o]));
    }
  }
  return worst;
}

std::vector<std::string> ExpectedColumns(const KilnModel& model) {
  std::vector<std::string> out;
  for (const ColumnSchema& c : model.InputSchema())
    out.push_back(c.name);
  out.push_back("bias");
  return out;
}

// Explains a tree + linear ensemble trained on an example file and checks additivity.
void ExpectEnsembleAddsUp(const std::string& file, const std::string& target, Task task) {
  const std::string path = "examples/data/" + file;
  const Labelled data = ReadLabelled(path, target, task);
  ASSERT_FALSE(data.y.empty());
  ModelBuilder b(data, task);
  const std::vector<std::string> features = FeaturesOf(data.table, target);
  const int trees = b.AddPipeline(features, FeatureEncoding::kTree);
  const int linear = b.AddPipeline(features, FeatureEncoding::kLinear);
  b.AddMember("xgboost", {{"num_round", "20"}, {"max_depth", "4"}, {"subsample", "0.8"}}, trees,
              0.5, 2);
  b.AddMember("linear", {{"alpha", "0.001"}}, linear, 0.3, 2);
  b.AddMember("xgboost", {{"num_round", "10"}, {"eta", "0.5"}}, trees, 0.2, 1);
  const KilnModel& model = b.model();
  const Table table = ReadForModel(path, model);

  Result<Explanation> e = ExplainModel(model, table);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->rows, table.num_rows);
  EXPECT_EQ(e->outputs, NumOutputs(task, model.num_classes));
  EXPECT_EQ(e->columns, ExpectedColumns(model));
  ASSERT_EQ(e->values.size(), e->rows * e->outputs * e->columns.size());
  const double error = MaxAdditivityError(model, table, *e);
  std::printf("%s: max |sum - margin| = %.3g over %zu rows x %d outputs\n", file.c_str(), error,
              e->rows, e->outputs);
  EXPECT_LT(error, 1e-4);
  // Every input column is used by some model, so each gets a non-zero value somewhere.
  for (std::size_t c = 0; c + 1 < e->columns.size(); ++c) {
    bool nonzero = false;
    for (std::size_t r = 0; r < e->rows && !nonzero; ++r) {
      for (int o = 0; o < e->outputs; ++o)
        nonzero = nonzero || e->at(r, o, c) != 0;
    }
    EXPECT_TRUE(nonzero) << "column " << e->columns[c];
  }
}

TEST(ExplainModelTest, BinaryEnsembleRowsSumToTheLogOdds) {
  ExpectEnsembleAddsUp("credit-g.csv", "class", Task::kBinary);
}

TEST(ExplainModelTest, MulticlassEnsembleRowsSumToEachClassScore) {
  ExpectEnsembleAddsUp("car.csv", "class", Task::kMulticlass);
}

TEST(ExplainModelTest, RegressionEnsembleRowsSumToTheValue) {
  ExpectEnsembleAddsUp("abalone.csv", "Rings", Task::kRegression);
}

// A small table: a (numeric, with missing values), b (categorical), c (numeric), y = a + [b == x].
Labelled SmallTable() {
  std::string csv = "a,b,c,y\n";
  for (int i = 0; i < 120; ++i) {
    const std::string a = i % 17 == 0 ? "" : std::to_string(i % 10);
    const char* b = i % 3 == 0 ? "x" : (i % 3 == 1 ? "y" : "z");
    const double y = (i % 10) + (i % 3 == 0 ? 5 : 0);
    csv += a + "," + b + "," + std::to_string((i * 7) % 11) + "," + std::to_string(y) + "\n";
  }
  Result<Table> t = ParseTable(csv, "small.csv", {});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  Labelled out{std::move(t).value(), {}, {}};
  const Column& y = out.table.columns[out.table.Find("y")];
  for (double v : y.values)
    out.y.push_back(static_cast<float>(v));
  return out;
}

TEST(ExplainModelTest, OutputColumnsAreSummedIntoTheirInputColumn) {
  const Labelled data = SmallTable();
  ModelBuilder b(data, Task::kRegression);
  const int p = b.AddPipeline({"b", "a"}, FeatureEncoding::kLinear);
  b.AddMember("linear", {}, p, 1, 1);
  const KilnModel& model = b.model();
  const FeaturePipeline& pipeline = model.pipelines[p];
  // One-hot b and a's missing indicator: more outputs than inputs.
  ASSERT_GT(pipeline.output_names().size(), 3u);

  Result<Explanation> e = ExplainModel(model, data.table);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->columns, (std::vector<std::string>{"b", "a", "bias"}));
  Result<Matrix> x = pipeline.Transform(data.table);
  ASSERT_TRUE(x.ok());
  Result<std::vector<double>> raw = model.members[0].bag[0]->Contributions(*x);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  const std::size_t stride = x->cols + 1;
  for (std::size_t r = 0; r < e->rows; ++r) {
    double per_input[2] = {0, 0};
    for (std::size_t j = 0; j < x->cols; ++j)
      per_input[pipeline.output_source()[j]] += (*raw)[r * stride + j];
    EXPECT_DOUBLE_EQ(e->at(r, 0, 0), per_input[0]) << "row " << r;
    EXPECT_DOUBLE_EQ(e->at(r, 0, 1), per_input[1]) << "row " << r;
    EXPECT_DOUBLE_EQ(e->at(r, 0, 2), (*raw)[r * stride + x->cols]) << "row " << r;
  }
  EXPECT_LT(MaxAdditivityError(model, data.table, *e), 1e-9);
}

TEST(ExplainModelTest, MembersOnOtherColumnsAddIntoTheModelSchemaOrder) {
  const Labelled data = SmallTable();
  ModelBuilder b(data, Task::kRegression);
  const int ab = b.AddPipeline({"a", "b"}, FeatureEncoding::kTree);
  const int cb = b.AddPipeline({"c", "b"}, FeatureEncoding::kLinear);
  b.AddMember("xgboost", {{"num_round", "10"}}, ab, 0.7, 1);
  b.AddMember("linear", {}, cb, 0.3, 2);
  const KilnModel& model = b.model();
  Result<Explanation> e = ExplainModel(model, data.table);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->columns, (std::vector<std::string>{"a", "b", "c", "bias"}));
  EXPECT_LT(MaxAdditivityError(model, data.table, *e), 1e-4);

  // Only the linear member reads c: its column is 0.3 times that member's mean contribution.
  KilnModel linear_only = model;
  linear_only.members.erase(linear_only.members.begin());
  linear_only.members[0].weight = 1;
  Result<Explanation> alone = ExplainModel(linear_only, data.table);
  ASSERT_TRUE(alone.ok());
  ASSERT_EQ(alone->columns, (std::vector<std::string>{"c", "b", "bias"}));
  for (std::size_t r = 0; r < e->rows; ++r)
    EXPECT_NEAR(e->at(r, 0, 2), 0.3 * alone->at(r, 0, 0), 1e-12) << "row " << r;
}

// A model that cannot explain itself (Model::Contributions' default).
class Opaque final : public Model {
 public:
  std::string algorithm() const override { return "knn"; }
  Task task() const override { return Task::kRegression; }
  int num_classes() const override { return 0; }
  void Predict(const Matrix& x, std::vector<double>* out) const override { out->assign(x.rows, 1); }
  Result<std::string> Serialize() const override { return std::string(); }
};

TEST(ExplainModelTest, AMemberThatCannotExplainIsAnError) {
  const Labelled data = SmallTable();
  ModelBuilder b(data, Task::kRegression);
  const int p = b.AddPipeline({"a", "c"}, FeatureEncoding::kTree);
  b.AddMember("xgboost", {{"num_round", "5"}}, p, 0.5, 1);
  KilnModel& model = b.model();
  EnsembleMember opaque;
  opaque.candidate = "c042";
  opaque.algorithm = "knn";
  opaque.pipeline = p;
  opaque.weight = 0.5;
  opaque.bag.push_back(std::make_shared<Opaque>());
  model.members.push_back(opaque);

  Result<Explanation> e = ExplainModel(model, data.table);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code(), StatusCode::kUnimplemented);
  EXPECT_NE(e.error().message().find("c042"), std::string::npos) << e.error().message();
  EXPECT_NE(e.error().message().find("knn"), std::string::npos) << e.error().message();
  EXPECT_EQ(e.error().message().find('\n'), std::string::npos);

  // With weight 0 the member does not change predictions, and is left out.
  model.members[0].weight = 1;
  model.members[1].weight = 0;
  e = ExplainModel(model, data.table);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_LT(MaxAdditivityError(model, data.table, *e), 1e-4);
}

class Clusters final : public UnsupervisedModel {
 public:
  std::string algorithm() const override { return "kmeans"; }
  std::vector<std::string> output_names() const override { return {"closest_cluster"}; }
  void Transform(const Matrix& x, std::vector<double>* out) const override {
    out->assign(x.rows, 0);
  }
  Result<std::string> Serialize() const override { return std::string(); }
};

TEST(ExplainModelTest, UnsupervisedModelsAreRejected) {
  const Labelled data = SmallTable();
  ModelBuilder b(data, Task::kRegression);
  b.AddPipeline({"a", "c"}, FeatureEncoding::kLinear);
  KilnModel& model = b.model();
  model.unsupervised = UnsupervisedPart{"kmeans", {}, std::make_shared<Clusters>()};
  Result<Explanation> e = ExplainModel(model, data.table);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.error().message().find("unsupervised kmeans"), std::string::npos)
      << e.error().message();
}

TEST(ExplainModelTest, AMissingFeatureColumnIsNamed) {
  const Labelled data = SmallTable();
  ModelBuilder b(data, Task::kRegression);
  const int p = b.AddPipeline({"a", "c"}, FeatureEncoding::kLinear);
  b.AddMember("linear", {}, p, 1, 1);
  Table without_c = data.table;
  without_c.columns.erase(without_c.columns.begin() + without_c.Find("c"));
  Result<Explanation> e = ExplainModel(b.model(), without_c);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.error().message().find("\"c\""), std::string::npos) << e.error().message();
}

TEST(ExplainModelTest, NoRowsGiveAnEmptyExplanation) {
  const Labelled data = SmallTable();
  ModelBuilder b(data, Task::kRegression);
  b.AddMember("xgboost", {{"num_round", "5"}}, b.AddPipeline({"a", "b"}, FeatureEncoding::kTree),
              0.5, 1);
  b.AddMember("linear", {}, b.AddPipeline({"a", "b"}, FeatureEncoding::kLinear), 0.5, 1);
  Table empty = data.table;
  empty.num_rows = 0;
  for (Column& c : empty.columns) {
    c.values.clear();
    c.codes.clear();
  }
  Result<Explanation> e = ExplainModel(b.model(), empty);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->rows, 0u);
  EXPECT_TRUE(e->values.empty());
}

}  // namespace
}  // namespace kiln
