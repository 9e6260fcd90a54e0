#include "infer/internal/xgboost_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "table/table_reader.h"

namespace kiln::infer_testing {

Trained Train(const Matrix& x, const std::vector<float>& label, const Params& params, int rounds) {
  Trained out;
  auto dm = MakeXgbDMatrix(x, 1);
  EXPECT_TRUE(dm.ok()) << dm.status().ToString();
  if (!dm.ok())
    return out;
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

}  // namespace kiln::infer_testing
