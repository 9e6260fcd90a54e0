#include "infer/internal/xgboost_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "learn/registry.h"
#include "table/table_reader.h"

namespace kiln::infer_testing {

Trained Train(const Matrix& x, const std::vector<float>& label, const Params& params, int rounds,
              const std::vector<bool>& categorical) {
  Trained out;
  auto dm = MakeXgbDMatrix(x, 1);
  EXPECT_TRUE(dm.ok()) << dm.status().ToString();
  if (!dm.ok())
    return out;
  if (!categorical.empty()) {
    std::vector<const char*> types;
    for (const bool c : categorical)
      types.push_back(c ? "c" : "q");
    EXPECT_EQ(XGDMatrixSetStrFeatureInfo(dm->get(), "feature_type", types.data(), types.size()), 0)
        << XGBGetLastError();
  }
  EXPECT_EQ(XGDMatrixSetFloatInfo(dm->get(), "label", label.data(), label.size()), 0);
  for (const auto& [k, v] : params) {
    if (k == "objective" && v == "survival:aft") {
      EXPECT_EQ(XGDMatrixSetFloatInfo(dm->get(), "label_lower_bound", label.data(), label.size()),
                0);
      EXPECT_EQ(XGDMatrixSetFloatInfo(dm->get(), "label_upper_bound", label.data(), label.size()),
                0);
    }
  }
  const DMatrixHandle cache[] = {dm->get()};
  auto booster = MakeXgbBooster(cache, 1);
  EXPECT_TRUE(booster.ok()) << booster.status().ToString();
  if (!booster.ok())
    return out;
  out.booster = std::move(booster).value();
  BoosterHandle h = out.booster.get();
  EXPECT_EQ(XGBoosterSetParam(h, "nthread", "1"), 0);
  EXPECT_EQ(XGBoosterSetParam(h, "verbosity", "0"), 0);
  for (const auto& [k, v] : params)
    EXPECT_EQ(XGBoosterSetParam(h, k.c_str(), v.c_str()), 0) << k << "=" << v;
  for (int i = 0; i < rounds; ++i)
    EXPECT_EQ(XGBoosterUpdateOneIter(h, i, dm->get()), 0) << XGBGetLastError();
  bst_ulong len = 0;
  const char* raw = nullptr;
  EXPECT_EQ(XGBoosterSaveModelToBuffer(h, R"({"format":"json"})", &len, &raw), 0);
  out.json.assign(raw, len);
  EXPECT_EQ(XGBoosterSaveModelToBuffer(h, R"({"format":"ubj"})", &len, &raw), 0);
  out.ubj.assign(raw, len);
  return out;
}

std::vector<float> XgboostPredict(const Trained& model, const Matrix& x) {
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  const int rc =
      XGBoosterPredictFromDense(model.booster.get(), XgbArrayInterface(x).c_str(),
                                XgbPredictConfig(0, false).c_str(), nullptr, &shape, &dim, &result);
  EXPECT_EQ(rc, 0) << XGBGetLastError();
  if (rc != 0)
    return {};
  return std::vector<float>(result, result + XgbShapeSize(shape, dim));
}

Dataset LoadDataset(const std::string& path) {
  Dataset d;
  Result<Table> read = ReadTable(path, {});
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  if (!read.ok() || read->columns.size() < 2)
    return d;
  const Table& t = *read;
  const std::size_t cols = t.columns.size() - 1;
  d.x = Matrix(t.num_rows, cols);
  for (std::size_t c = 0; c < cols; ++c) {
    const Column& col = t.columns[c];
    d.categorical.push_back(col.HasCodes());
    for (std::size_t r = 0; r < t.num_rows; ++r) {
      float v = std::nanf("");
      if (col.HasCodes()) {
        if (col.codes[r] >= 0)
          v = static_cast<float>(col.codes[r]);
      } else {
        v = static_cast<float>(col.values[r]);
      }
      d.x.at(r, c) = v;
    }
  }
  const Column& target = t.columns.back();
  d.y.resize(t.num_rows);
  if (target.HasCodes()) {
    d.classes = static_cast<int>(target.levels.size());
    for (std::size_t r = 0; r < t.num_rows; ++r)
      d.y[r] = static_cast<float>(std::max(0, target.codes[r]));
  } else {
    std::set<double> distinct(target.values.begin(), target.values.end());
    if (distinct.size() == 2) {
      d.classes = 2;
      for (std::size_t r = 0; r < t.num_rows; ++r)
        d.y[r] = target.values[r] == *distinct.rbegin() ? 1.0f : 0.0f;
    } else {
      for (std::size_t r = 0; r < t.num_rows; ++r)
        d.y[r] = static_cast<float>(target.values[r]);
    }
  }
  d.task = d.classes == 0   ? DatasetTask::kRegression
           : d.classes == 2 ? DatasetTask::kBinary
                            : DatasetTask::kMulticlass;
  d.name = std::filesystem::path(path).stem().string();
  return d;
}

Table ToTable(const Matrix& x) {
  Table table;
  table.source = "test";
  table.num_rows = x.rows;
  for (std::size_t c = 0; c < x.cols; ++c) {
    Column col;
    col.name = "f" + std::to_string(c);
    col.type = ColumnType::kNumeric;
    for (std::size_t r = 0; r < x.rows; ++r) {
      col.values.push_back(x.at(r, c));
      col.missing += std::isnan(x.at(r, c)) ? 1 : 0;
    }
    col.distinct = x.rows;
    table.columns.push_back(std::move(col));
  }
  return table;
}

namespace {

// Fits one model of `algorithm` (seed `seed`, one thread) into member->bag; false (the test
// failed) on an error.
bool FitBagModel(const std::string& algorithm, const HyperParams& params, Task task, int classes,
                 const TrainSet& set, int seed, EnsembleMember* member) {
  auto learner = MakeLearner(algorithm, params, task, classes);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  if (!learner.ok())
    return false;
  auto fitted = (*learner)->Fit(set, nullptr, FitContext{1, static_cast<std::uint64_t>(seed)});
  EXPECT_TRUE(fitted.ok()) << fitted.status().ToString();
  if (!fitted.ok())
    return false;
  member->bag.push_back(std::shared_ptr<const Model>(std::move(fitted).value()));
  return true;
}

}  // namespace

KilnModel TrainKilnXgboost(const Matrix& x, const std::vector<float>& y, int classes,
                           FeatureEncoding encoding) {
  KilnModel model;
  const Table table = ToTable(x);
  std::vector<std::string> features;
  std::string info = "{\"features\":[";
  for (const Column& c : table.columns) {
    info += (features.empty() ? "\"" : ",\"") + c.name + "\"";
    features.push_back(c.name);
  }
  model.info_json = info + "]}";
  const Task task = classes == 0   ? Task::kRegression
                    : classes == 2 ? Task::kBinary
                                   : Task::kMulticlass;
  PipelineSpec spec;
  spec.encoding = encoding;
  Matrix train;
  auto pipeline = FeaturePipeline::Fit(table, features, spec, task, classes, y, 1, &train);
  EXPECT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  if (!pipeline.ok())
    return model;
  model.pipelines.push_back(std::move(pipeline).value());
  model.task = task;
  model.num_classes = classes;
  for (int k = 0; k < classes; ++k)
    model.class_labels.push_back("c" + std::to_string(k));
  model.target = "label";
  const TrainSet set{&train, y, {}, model.pipelines[0].output_categorical()};
  for (int m = 0; m < 2; ++m) {
    EnsembleMember member;
    member.candidate = "c00" + std::to_string(m);
    member.algorithm = "xgboost";
    member.weight = m == 0 ? 0.7 : 0.3;
    for (int b = 0; b < (m == 0 ? 2 : 1); ++b) {
      if (!FitBagModel("xgboost", {{"num_round", "15"}, {"max_depth", std::to_string(3 + b + m)}},
                       task, classes, set, b, &member))
        return model;
    }
    model.members.push_back(std::move(member));
  }
  return model;
}

Table ReadExample(const std::string& name) {
  Result<Table> t = ReadTable(std::string(KILN_SOURCE_DIR) + "/examples/data/" + name + ".csv", {});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Table();
}

KilnModel TrainKilnEnsemble(const Table& table, const std::vector<std::string>& algorithms,
                            const std::vector<HyperParams>& member_params) {
  KilnModel model;
  const Column& target = table.columns.back();
  model.target = target.name;
  std::vector<float> y(table.num_rows);
  if (!IsNumberLike(target.type)) {
    model.num_classes = static_cast<int>(target.levels.size());
    model.class_labels = target.levels;
    for (std::size_t r = 0; r < table.num_rows; ++r)
      y[r] = static_cast<float>(std::max(0, target.codes[r]));
  } else {
    std::set<double> distinct(target.values.begin(), target.values.end());
    if (distinct.size() == 2) {
      model.num_classes = 2;
      model.class_labels = {"0", "1"};
      for (std::size_t r = 0; r < table.num_rows; ++r)
        y[r] = target.values[r] == *distinct.rbegin() ? 1.0f : 0.0f;
    } else {
      for (std::size_t r = 0; r < table.num_rows; ++r)
        y[r] = static_cast<float>(target.values[r]);
    }
  }
  model.task = model.num_classes == 0   ? Task::kRegression
               : model.num_classes == 2 ? Task::kBinary
                                        : Task::kMulticlass;
  std::vector<std::string> features;
  std::string info = "{\"features\":[";
  for (std::size_t i = 0; i + 1 < table.columns.size(); ++i) {
    info += (features.empty() ? "\"" : ",\"") + table.columns[i].name + "\"";
    features.push_back(table.columns[i].name);
  }
  model.info_json = info + "]}";
  std::vector<Matrix> train(2);
  for (const FeatureEncoding encoding : {FeatureEncoding::kTree, FeatureEncoding::kLinear}) {
    PipelineSpec spec;
    spec.encoding = encoding;
    auto p = FeaturePipeline::Fit(table, features, spec, model.task, model.num_classes, y, 1,
                                  &train[model.pipelines.size()]);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok())
      return model;
    model.pipelines.push_back(std::move(p).value());
  }
  double left = 1;
  for (std::size_t m = 0; m < algorithms.size(); ++m) {
    const std::string& algorithm = algorithms[m];
    EnsembleMember member;
    member.candidate = "c00" + std::to_string(m);
    member.algorithm = algorithm;
    member.pipeline = algorithm == "linear" || algorithm == "knn" ? 1 : 0;
    member.weight = m + 1 == algorithms.size() ? left : left * 0.6;
    left -= member.weight;
    HyperParams params;
    if (algorithm == "xgboost")
      params = {{"num_round", "12"}, {"max_depth", "4"}, {"max_cat_to_onehot", "1"}};
    else if (algorithm == "random_forest" || algorithm == "extra_trees")
      params = {{"n_estimators", "8"}, {"max_depth", "6"}};
    if (m < member_params.size() && !member_params[m].empty())
      params = member_params[m];
    const TrainSet set{
        &train[member.pipeline], y, {}, model.pipelines[member.pipeline].output_categorical()};
    for (int b = 0; b < (m == 0 ? 2 : 1); ++b) {
      if (!FitBagModel(algorithm, params, model.task, model.num_classes, set, b, &member))
        return model;
    }
    model.members.push_back(std::move(member));
  }
  return model;
}

}  // namespace kiln::infer_testing
