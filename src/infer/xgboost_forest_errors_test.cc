// CompileXgboostModel on documents it must refuse, with a reason, and never crash on: truncated,
// mutated and fuzzed model documents, models it cannot compile exactly (gblinear, categorical
// splits, unknown objectives).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "infer/internal/xgboost_test_util.h"
#include "infer/xgboost_forest.h"

namespace kiln {
namespace {

using infer_testing::Train;
using infer_testing::Trained;

Matrix SmallData(std::vector<float>* y) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0, 1);
  Matrix x(300, 4);
  y->resize(300);
  for (std::size_t r = 0; r < 300; ++r) {
    for (std::size_t c = 0; c < 4; ++c)
      x.at(r, c) = u(rng) < 0.1f ? std::nanf("") : u(rng);
    (*y)[r] = x.at(r, 0) + x.at(r, 1) > 1 ? 1 : 0;
  }
  return x;
}

const Trained& Model() {
  static const Trained* model = [] {
    std::vector<float> y;
    const Matrix x = SmallData(&y);
    return new Trained(Train(x, y, {{"objective", "binary:logistic"}, {"max_depth", "3"}}, 5));
  }();
  return *model;
}

std::string Error(const std::string& doc) {
  Result<CompiledXgboostModel> r = CompileXgboostModel(doc);
  EXPECT_FALSE(r.ok());
  if (r.ok())
    return "";
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  return r.error().message();
}

std::string Edit(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json doc = nlohmann::json::parse(Model().json);
  edit(doc);
  return doc.dump();
}

nlohmann::json& Tree0(nlohmann::json& doc) {
  return doc["learner"]["gradient_booster"]["model"]["trees"][0];
}

TEST(XgboostForestErrors, TheUneditedModelCompiles) {
  ASSERT_TRUE(CompileXgboostModel(Model().json).ok());
  // Re-serialized by nlohmann (numbers printed differently) it still compiles.
  ASSERT_TRUE(CompileXgboostModel(Edit([](nlohmann::json&) {})).ok());
}

TEST(XgboostForestErrors, NotAModelDocument) {
  EXPECT_NE(Error("").find("neither"), std::string::npos);
  EXPECT_NE(Error("binf\x01\x02").find("neither"), std::string::npos);
  EXPECT_NE(Error("{\"learner\": ").find("not valid JSON"), std::string::npos);
  EXPECT_NE(Error("{}").find("learner is missing"), std::string::npos);
  EXPECT_NE(Error("{\"learner\": 3}").find("not an object"), std::string::npos);
  EXPECT_NE(Error("{[$").find("not valid UBJSON"), std::string::npos);
}

TEST(XgboostForestErrors, EveryTruncationIsAnError) {
  for (const std::string* doc : {&Model().json, &Model().ubj}) {
    for (std::size_t n = 0; n + 1 < doc->size(); n += 1 + n / 50)
      EXPECT_FALSE(CompileXgboostModel(doc->substr(0, n)).ok()) << n;
  }
}

TEST(XgboostForestErrors, BrokenTreesAreRefusedNamingTheTree) {
  EXPECT_NE(Error(Edit([](auto& d) {
              Tree0(d)["left_children"][0] = 999;
            })).find("tree 0, node 0: child 999"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) { Tree0(d)["left_children"][0] = 0; })).find("reached twice"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) { Tree0(d)["split_indices"][0] = 40; })).find("feature 40"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) { Tree0(d)["split_indices"][0] = -1; })).find("feature -1"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) { Tree0(d)["split_conditions"][0] = "x"; })).find("number"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) { Tree0(d)["default_left"].erase(0); })).find("differ"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) {
              Tree0(d)["tree_param"]["num_nodes"] = "2";
            })).find("its tree_param says 2"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) {
              Tree0(d).erase("right_children");
            })).find("right_children is missing"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) {
              d["learner"]["gradient_booster"]["model"]["tree_info"][0] = 2;
            })).find("tree_info[0] is 2"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) {
              d["learner"]["gradient_booster"]["model"]["tree_info"].erase(0);
            })).find("tree_info entries"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) {
              d["learner"]["learner_model_param"]["num_feature"] = "0";
            })).find("0 features"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) {
              d["learner"]["learner_model_param"]["base_score"] = "1.5";
            })).find("base_score must be in (0, 1)"),
            std::string::npos);
}

TEST(XgboostForestErrors, ModelsItCannotCompileExactlySayWhy) {
  EXPECT_NE(Error(Edit([](auto& d) {
              d["learner"]["objective"]["name"] = "reg:quantileerror";
            })).find("objective \"reg:quantileerror\" is not compiled"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) { Tree0(d)["split_type"][0] = 1; })).find("categorical"),
            std::string::npos);
  EXPECT_NE(Error(Edit([](auto& d) {
              d["learner"]["learner_model_param"]["num_target"] = "2";
            })).find("multi-target models are not compiled"),
            std::string::npos);
  std::vector<float> y;
  const Matrix x = SmallData(&y);
  const Trained linear = Train(x, y, {{"booster", "gblinear"}}, 3);
  EXPECT_NE(Error(linear.json).find("booster \"gblinear\" has no trees"), std::string::npos);
}

TEST(XgboostForestErrors, CategoricalModelsCompileAndBrokenCategoryListsAreRefused) {
  std::vector<float> y;
  Matrix x = SmallData(&y);
  for (std::size_t r = 0; r < x.rows; ++r) {
    x.at(r, 2) = static_cast<float>(r % 5);
    y[r] = r % 5 == 2 || r % 5 == 4 ? 1 : 0;
  }
  auto dm = MakeXgbDMatrix(x, 1);
  ASSERT_TRUE(dm.ok());
  const char* types[] = {"q", "q", "c", "q"};
  ASSERT_EQ(XGDMatrixSetStrFeatureInfo(dm->get(), "feature_type", types, 4), 0)
      << XGBGetLastError();
  ASSERT_EQ(XGDMatrixSetFloatInfo(dm->get(), "label", y.data(), y.size()), 0);
  const DMatrixHandle cache[] = {dm->get()};
  auto booster = MakeXgbBooster(cache, 1);
  ASSERT_TRUE(booster.ok());
  for (const auto& [k, v] : std::vector<std::pair<const char*, const char*>>{
           {"tree_method", "hist"}, {"nthread", "1"}, {"max_cat_to_onehot", "1"}}) {
    ASSERT_EQ(XGBoosterSetParam(booster->get(), k, v), 0);
  }
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(XGBoosterUpdateOneIter(booster->get(), i, dm->get()), 0) << XGBGetLastError();
  bst_ulong len = 0;
  const char* raw = nullptr;
  ASSERT_EQ(XGBoosterSaveModelToBuffer(booster->get(), R"({"format":"json"})", &len, &raw), 0);
  const std::string doc(raw, len);
  const Result<CompiledXgboostModel> compiled = CompileXgboostModel(doc);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  // The same document with its category lists broken.
  const std::string cleaned = [&] {
    std::string s = doc;
    for (std::size_t at = s.find("NaN"); at != std::string::npos; at = s.find("NaN", at))
      s.replace(at, 3, "null");
    return s;
  }();
  auto edited = [&](auto edit) {
    nlohmann::json d = nlohmann::json::parse(cleaned);
    for (nlohmann::json& tree : d["learner"]["gradient_booster"]["model"]["trees"]) {
      if (!tree["categories_nodes"].empty())
        edit(tree);
    }
    return Error(d.dump());
  };
  EXPECT_NE(edited([](auto& t) { t["categories"][0] = -3; }).find("lists category -3"),
            std::string::npos);
  EXPECT_NE(edited([](auto& t) {
              t["categories_sizes"][0] = 100000;
            }).find("lists categories out of range"),
            std::string::npos);
  EXPECT_NE(
      edited([](auto& t) { t["categories_nodes"][0] = 100000; }).find("is not an internal node"),
      std::string::npos);
  EXPECT_NE(edited([](auto& t) { t["categories_segments"].erase(0); }).find("do not match"),
            std::string::npos);
}

TEST(XgboostForestErrors, FuzzedDocumentsNeverCrash) {
  std::mt19937 rng(11);
  std::vector<float> row = {0.5f, std::nanf(""), 0.2f, 0.9f};
  int compiled = 0;
  for (const std::string* base : {&Model().json, &Model().ubj}) {
    for (int i = 0; i < 300; ++i) {
      std::string doc = *base;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k)
        doc[rng() % doc.size()] = static_cast<char>(rng() % 256);
      Result<CompiledXgboostModel> r = CompileXgboostModel(doc);
      if (!r.ok())
        continue;
      ++compiled;
      std::vector<float> out(static_cast<std::size_t>(r->forest.num_outputs()) + 4);
      if (r->forest.num_features() <= row.size())
        r->forest.PredictRow(row.data(), out.data());
    }
  }
  RecordProperty("compiled", compiled);
}

}  // namespace
}  // namespace kiln
