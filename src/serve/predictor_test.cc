#include "serve/predictor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>

#include "common/file_util.h"
#include "infer/input_rows.h"
#include "infer/internal/xgboost_test_util.h"
#include "serve/internal/serve_test_util.h"
#include "serve/request_fields.h"
#include "table/table_reader.h"

namespace kiln {
namespace {

using serve_testing::BoosterPredict;
using serve_testing::MakeData;
using serve_testing::PredictFields;
using serve_testing::TempDir;
using serve_testing::TrainBooster;
using serve_testing::TrainKilnModel;

std::unique_ptr<const Predictor> Load(std::vector<TarEntry> files, const std::string& dir) {
  auto p = LoadPredictor(files, PredictorOptions{dir});
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : nullptr;
}

std::string LoadError(std::vector<TarEntry> files) {
  auto p = LoadPredictor(files, PredictorOptions{"/tmp"});
  EXPECT_FALSE(p.ok());
  return p.ok() ? "" : p.error().message();
}

std::vector<double> Predict(const Predictor& p, const Matrix& x) {
  std::vector<double> out;
  const Status s = p.Predict(x, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(XgboostPredictor, AJsonModelPredictsWhatTheBoosterPredicts) {
  const auto data = MakeData(200, 4, 2, 1);
  const auto trained = TrainBooster(data, "binary:logistic", 8);
  auto p = Load({{"xgboost-model", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->num_features(), 4u);
  EXPECT_EQ(p->output().outputs, 1);
  const std::vector<float> want = BoosterPredict(trained.booster, data.x);
  const std::vector<double> got = Predict(*p, data.x);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-6);
  EXPECT_NE(p->Describe().find("binary:logistic"), std::string::npos);
}

TEST(XgboostPredictor, TheLegacyBinaryFormatLoadsToo) {
  const auto data = MakeData(100, 3, 0, 2);
  const auto trained = TrainBooster(data, "reg:squarederror", 5);
  auto p = Load({{"xgboost-model", trained.binary_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  const std::vector<float> want = BoosterPredict(trained.booster, data.x);
  const std::vector<double> got = Predict(*p, data.x);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-6);
}

TEST(XgboostPredictor, DartAndGblinearBoostersPredictLikeTheBooster) {
  const auto data = MakeData(100, 3, 2, 12);
  for (const char* booster : {"dart", "gblinear"}) {
    const auto trained = TrainBooster(data, "binary:logistic", 4, 0, {{"booster", booster}});
    auto p = Load({{"xgboost-model", trained.binary_model}}, "/tmp");
    ASSERT_NE(p, nullptr) << booster;
    const std::vector<float> want = BoosterPredict(trained.booster, data.x);
    const std::vector<double> got = Predict(*p, data.x);
    ASSERT_EQ(got.size(), want.size()) << booster;
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_NEAR(got[i], want[i], 1e-6) << booster;
  }
}

TEST(XgboostPredictor, ASingleFileUnderAnotherNameIsTheModel) {
  const auto trained = TrainBooster(MakeData(50, 2, 0, 3), "reg:squarederror", 2);
  auto p = Load({{"model.json", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->num_features(), 2u);
}

TEST(XgboostPredictor, MultiSoftprobGivesAProbabilityPerClass) {
  const auto data = MakeData(300, 3, 3, 4);
  const auto trained = TrainBooster(data, "multi:softprob", 4, 3);
  auto p = Load({{"xgboost-model", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->output().outputs, 3);
  const std::vector<double> got = Predict(*p, data.x);
  ASSERT_EQ(got.size(), data.x.rows * 3);
  EXPECT_NEAR(got[0] + got[1] + got[2], 1.0, 1e-5);
}

TEST(XgboostPredictor, MissingValuesPredict) {
  const auto trained = TrainBooster(MakeData(50, 2, 2, 5), "binary:logistic", 2);
  auto p = Load({{"xgboost-model", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  Matrix x(1, 2);
  x.at(0, 0) = std::nanf("");
  x.at(0, 1) = 0.5f;
  const std::vector<double> got = Predict(*p, x);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0] > 0 && got[0] < 1);
}

TEST(XgboostPredictor, APickledBoosterIsRefusedWithHowToResave) {
  const std::string pickle = std::string("\x80\x04\x95\x10\x00\x00\x00", 7) + "xgboost.core";
  const std::string e = LoadError({{"xgboost-model", pickle}});
  EXPECT_NE(e.find("pickle"), std::string::npos) << e;
  EXPECT_NE(e.find("save_model"), std::string::npos) << e;
}

TEST(XgboostPredictor, GarbageIsRefused) {
  EXPECT_NE(LoadError({{"xgboost-model", "this is not a model"}}).find("xgboost-model"),
            std::string::npos);
  EXPECT_NE(LoadError({{"xgboost-model", "{\"learner\": "}}).find("not valid JSON"),
            std::string::npos);
  EXPECT_NE(LoadError({{"xgboost-model", ""}}).find("empty"), std::string::npos);
}

TEST(XgboostPredictor, ABinaryModelWhoseLengthsRunPastTheFileIsRefusedBeforeLoading) {
  const auto trained = TrainBooster(MakeData(50, 3, 2, 13), "binary:logistic", 2);
  std::string bad = trained.binary_model;
  // The first tree's num_nodes: binf(4) + learner(136) + objective + booster + gbtree param(160),
  // then 4 bytes into the tree param. Found by its value instead of computing the offset.
  const std::size_t tree = bad.find("gbtree") + 6 + 160;
  ASSERT_LT(tree + 8, bad.size());
  const std::int32_t huge = 0x7fffffff;
  std::memcpy(&bad[tree + 4], &huge, 4);
  const std::string e = LoadError({{"xgboost-model", bad}});
  EXPECT_NE(e.find("more than the file holds"), std::string::npos) << e;
  EXPECT_NE(LoadError({{"xgboost-model", trained.binary_model.substr(0, 100)}}).find("truncated"),
            std::string::npos);
}

TEST(LoadPredictor, AnArchiveWithoutAModelListsWhatItHolds) {
  const std::string e = LoadError({{"README", "x"}, {"notes.txt", "y"}});
  EXPECT_NE(e.find("README, notes.txt"), std::string::npos) << e;
}

TEST(KilnModelPredictor, ALinearClassifierGivesProbabilitiesAndLabels) {
  TempDir dir;
  const auto data = MakeData(200, 3, 2, 6);
  auto p = Load({{"model.kiln", TrainKilnModel(data, "linear", 2, dir.path())}}, dir.path());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->num_features(), 3u);
  EXPECT_EQ(p->output().kind, OutputKind::kClassifier);
  EXPECT_EQ(p->output().class_labels, (std::vector<std::string>{"0", "1"}));
  const std::vector<double> got = Predict(*p, data.x);
  ASSERT_EQ(got.size(), data.x.rows);
  int right = 0;
  for (std::size_t r = 0; r < data.x.rows; ++r) {
    ASSERT_TRUE(got[r] >= 0 && got[r] <= 1);
    right += (got[r] >= 0.5) == (data.y[r] == 1);
  }
  EXPECT_GT(right, 150);
}

TEST(KilnModelPredictor, KMeansNamesItsOutputs) {
  TempDir dir;
  const auto data = MakeData(100, 2, 0, 7);
  auto p = Load({{"model.kiln", TrainKilnModel(data, "kmeans", 0, dir.path())}}, dir.path());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->output().kind, OutputKind::kNamed);
  EXPECT_EQ(p->output().names[0], "closest_cluster");
  EXPECT_EQ(Predict(*p, data.x).size(), data.x.rows * 2);
}

TEST(KilnModelPredictor, ACorruptFileIsRefused) {
  TempDir dir;
  auto p =
      LoadPredictor(std::vector<TarEntry>{{"model.kiln", "nope"}}, PredictorOptions{dir.path()});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("model.kiln"), std::string::npos) << p.error().ToString();
}

std::vector<double> PredictRows(const Predictor& p, const Matrix& x) {
  std::vector<double> out(x.rows * static_cast<std::size_t>(p.output().outputs));
  const Status s = p.PredictRows(x.values, x.rows, out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(XgboostPredictor, TreeModelsAreCompiledAndPredictRowsEqualsTheBooster) {
  const auto data = MakeData(300, 5, 3, 21);
  for (const char* objective : {"multi:softprob", "multi:softmax"}) {
    const auto trained = TrainBooster(data, objective, 12, 3, {{"max_depth", "6"}});
    auto p = Load({{"xgboost-model", trained.binary_model}}, "/tmp");
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(p->compiled());
    EXPECT_NE(p->Describe().find("compiled: 36 trees"), std::string::npos) << p->Describe();
    const std::vector<float> want = BoosterPredict(trained.booster, data.x);
    const std::vector<double> rows = PredictRows(*p, data.x);
    EXPECT_EQ(rows, Predict(*p, data.x));
    ASSERT_EQ(rows.size(), want.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      ASSERT_NEAR(rows[i], want[i], 1e-6) << objective << " " << i;
  }
}

TEST(XgboostPredictor, GblinearKeepsLibxgboostAndSaysWhy) {
  const auto data = MakeData(100, 3, 2, 22);
  const auto trained = TrainBooster(data, "binary:logistic", 4, 0, {{"booster", "gblinear"}});
  auto p = Load({{"xgboost-model", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->compiled());
  EXPECT_NE(p->Describe().find("predicted by libxgboost (not compiled: "), std::string::npos)
      << p->Describe();
  EXPECT_NE(p->Describe().find("gblinear"), std::string::npos) << p->Describe();
  const std::vector<float> want = BoosterPredict(trained.booster, data.x);
  const std::vector<double> got = PredictRows(*p, data.x);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-6);
}

TEST(XgboostPredictor, PredictRowsChecksItsBufferSizes) {
  const auto data = MakeData(20, 4, 2, 23);
  const auto trained = TrainBooster(data, "binary:logistic", 3);
  auto p = Load({{"xgboost-model", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  std::vector<double> out(2);
  const std::vector<float> rows(7);
  Status s = p->PredictRows(rows, 2, out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("7 values given for 2 rows of 4 features"), std::string::npos)
      << s.ToString();
  const std::vector<float> eight(8);
  std::vector<double> three(3);
  s = p->PredictRows(eight, 2, three);
  EXPECT_NE(s.message().find("an output buffer of 3 values"), std::string::npos) << s.ToString();
  EXPECT_TRUE(p->PredictRows({}, 0, {}).ok());
}

TEST(XgboostPredictor, ConcurrentPredictRowsAgree) {
  const auto data = MakeData(64, 4, 2, 24);
  const auto trained = TrainBooster(data, "binary:logistic", 20);
  auto p = Load({{"xgboost-model", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  const std::vector<double> want = PredictRows(*p, data.x);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<double> got(want.size());
      for (int i = 0; i < 200; ++i) {
        if (!p->PredictRows(data.x.values, data.x.rows, got).ok() || got != want)
          ++mismatches;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// model.kiln bytes of an XGBoost ensemble behind a tree pipeline (infer's test builder).
std::string KilnXgboostBytes(const serve_testing::TinyData& data, int classes,
                             const std::string& dir) {
  const KilnModel model = infer_testing::TrainKilnXgboost(data.x, data.y, classes);
  const std::string path = dir + "/xgb.kiln";
  EXPECT_TRUE(model.Save(path).ok());
  auto bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : "";
}

TEST(KilnModelPredictor, XgboostEnsemblesAreCompiledAndPredictAsKilnModelDoes) {
  TempDir dir;
  const auto data = MakeData(300, 4, 3, 25);
  const std::string bytes = KilnXgboostBytes(data, 3, dir.path());
  auto p = Load({{"model.kiln", bytes}}, dir.path());
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->compiled()) << p->Describe();
  EXPECT_NE(p->Describe().find("compiled: 3 xgboost models"), std::string::npos) << p->Describe();
  EXPECT_EQ(p->output().kind, OutputKind::kClassifier);
  const std::vector<double> got = PredictRows(*p, data.x);
  const Result<KilnModel> model = KilnModel::Load(dir.path() + "/xgb.kiln");
  ASSERT_TRUE(model.ok());
  const Result<Predictions> want = model->Predict(infer_testing::ToTable(data.x));
  ASSERT_TRUE(want.ok());
  ASSERT_EQ(got.size(), want->output.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want->output[i], 1e-12) << i;
  EXPECT_EQ(Predict(*p, data.x), got);
}

TEST(KilnModelPredictor, KnnKMeansAndLinearModelsAreCompiledAndPredictRowsEqualsPredict) {
  TempDir dir;
  const auto data = MakeData(200, 3, 2, 26);
  auto p = Load({{"model.kiln", TrainKilnModel(data, "knn", 2, dir.path())}}, dir.path());
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->compiled()) << p->Describe();
  EXPECT_NE(p->Describe().find("compiled: 1 knn model"), std::string::npos) << p->Describe();
  EXPECT_EQ(PredictRows(*p, data.x), Predict(*p, data.x));
  auto kmeans = Load({{"model.kiln", TrainKilnModel(data, "kmeans", 0, dir.path())}}, dir.path());
  ASSERT_NE(kmeans, nullptr);
  EXPECT_NE(kmeans->Describe().find("compiled: k-means model"), std::string::npos)
      << kmeans->Describe();
  EXPECT_EQ(PredictRows(*kmeans, data.x), Predict(*kmeans, data.x));
  auto linear = Load({{"model.kiln", TrainKilnModel(data, "linear", 2, dir.path())}}, dir.path());
  ASSERT_NE(linear, nullptr);
  EXPECT_TRUE(linear->compiled()) << linear->Describe();
  EXPECT_NE(linear->Describe().find("compiled: 1 linear model"), std::string::npos)
      << linear->Describe();
  EXPECT_EQ(PredictRows(*linear, data.x), Predict(*linear, data.x));
}

// The CSV lines of an example dataset without its last (target) column: the header, and rows.
struct CsvRows {
  std::string header;
  std::string body;
};
CsvRows ExampleRows(const std::string& name, std::size_t rows) {
  const Result<std::string> text =
      ReadFile(std::string(KILN_SOURCE_DIR) + "/examples/data/" + name + ".csv");
  EXPECT_TRUE(text.ok());
  CsvRows out;
  std::size_t at = 0;
  for (std::size_t line = 0; line <= rows && at < text->size(); ++line) {
    const std::size_t nl = text->find('\n', at);
    std::string l = text->substr(at, nl - at);
    at = nl == std::string::npos ? text->size() : nl + 1;
    l.erase(l.rfind(','));
    (line == 0 ? out.header : out.body) += l + "\n";
  }
  return out;
}

// model.kiln bytes of an automl-like ensemble on an example dataset (`params`: per member, see
// TrainKilnEnsemble).
std::string EnsembleBytes(const std::string& name, const std::vector<std::string>& algorithms,
                          const std::string& dir, const std::vector<HyperParams>& params = {}) {
  const KilnModel model =
      infer_testing::TrainKilnEnsemble(infer_testing::ReadExample(name), algorithms, params);
  const std::string path = dir + "/" + name + ".kiln";
  EXPECT_TRUE(model.Save(path).ok());
  auto bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : "";
}

// What `kiln predict` gives for the rows: the CSV read with the model's schema, KilnModel::Predict.
std::vector<double> KilnPredict(const std::string& model_path, const CsvRows& rows) {
  const Result<KilnModel> model = KilnModel::Load(model_path);
  EXPECT_TRUE(model.ok());
  ReadOptions read;
  read.schema = model->InputSchema();
  const Result<Table> table = ParseTable(rows.header + rows.body, "rows.csv", read);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  const Result<Predictions> pred = model->Predict(*table);
  EXPECT_TRUE(pred.ok()) << pred.status().ToString();
  return pred.ok() ? pred->output : std::vector<double>();
}

// A model reading categorical columns takes CSV rows of strings (unseen levels and missing values
// among them) and predicts what `kiln predict` predicts for the same lines, compiled or not (a
// knn member of more neighbours than CompiledKnn holds is not).
TEST(KilnModelPredictor, CategoricalModelsReadTextFieldsAndPredictAsKilnPredictDoes) {
  TempDir dir;
  for (const bool compiled : {true, false}) {
    const std::vector<std::string> algorithms =
        compiled ? std::vector<std::string>{"xgboost", "linear", "random_forest", "knn"}
                 : std::vector<std::string>{"xgboost", "knn"};
    const std::vector<HyperParams> params = {
        {}, {}, {}, {{"n_neighbors", compiled ? "5" : "1025"}}};
    auto p = Load({{"model.kiln",
                    EnsembleBytes("adult", algorithms, dir.path(),
                                  compiled ? params : std::vector<HyperParams>{{}, params[3]})}},
                  dir.path());
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(p->reads_fields());
    EXPECT_EQ(p->compiled(), compiled) << p->Describe();
    if (!compiled) {
      EXPECT_NE(p->Describe().find("n_neighbors 1025 (at most 1024"), std::string::npos)
          << p->Describe();
    }
    EXPECT_NE(p->Describe().find("read as text fields"), std::string::npos) << p->Describe();
    EXPECT_EQ(p->num_features(), 14u);
    CsvRows rows = ExampleRows("adult", 300);
    rows.body += "37,Never-heard-of,200000,,10,,,Husband,White,Male,0,0,40,\n";
    rows.body +=
        "\"51\",\"Private\",1,Masters,14,Divorced,Sales,\"Not-in-family\",Black,Female,,,,"
        "Atlantis\n";
    const std::vector<double> want = KilnPredict(dir.path() + "/adult.kiln", rows);
    const std::vector<double> got = PredictFields(*p, MediaType::kCsv, rows.body);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_NEAR(got[i], want[i], 1e-12) << "compiled " << compiled << ", row " << i;
    // Rows of floats cannot carry the categories.
    std::vector<float> floats(14, 1.0f);
    std::vector<double> out(1);
    const Status refused = p->PredictRows(floats, 1, out);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.message().find("categorical column \"workclass\""), std::string::npos)
        << refused.message();
  }
}

TEST(KilnModelPredictor, JsonRowsOfStringsPredictLikeCsvRows) {
  TempDir dir;
  auto p =
      Load({{"model.kiln", EnsembleBytes("car", {"xgboost", "linear"}, dir.path())}}, dir.path());
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->compiled()) << p->Describe();
  const std::vector<double> csv =
      PredictFields(*p, MediaType::kCsv, "vhigh,low,2,4,small,high\nmed,,5more,more,big,low\n");
  const std::vector<double> json = PredictFields(
      *p, MediaType::kJson,
      R"({"instances":[["vhigh","low",2,4,"small","high"],["med",null,"5more","more","big","low"]]})");
  EXPECT_EQ(csv, json);
  EXPECT_EQ(csv.size(), 8u);  // 4 classes
}

TEST(KilnModelPredictor, AFieldThatDoesNotFitItsColumnIsTheClientsError) {
  TempDir dir;
  auto p = Load({{"model.kiln", EnsembleBytes("adult", {"xgboost"}, dir.path())}}, dir.path());
  ASSERT_NE(p, nullptr);
  FieldRows fields;
  InputRows inputs;
  ASSERT_TRUE(ParseFieldsInto(MediaType::kCsv,
                              "42,Private,1,Doctorate,16,a,b,c,d,e,0,0,45,f\n"
                              "old,Private,1,Doctorate,16,a,b,c,d,e,0,0,45,f\n",
                              p->num_features(), &fields)
                  .ok());
  const Status s = p->DecodeFields(fields, &inputs);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "line 2, column 1 (\"age\"): \"old\" is not a number");
}

TEST(XgboostPredictor, ConcurrentPredictionsAgree) {
  const auto data = MakeData(64, 4, 2, 8);
  const auto trained = TrainBooster(data, "binary:logistic", 10);
  auto p = Load({{"xgboost-model", trained.json_model}}, "/tmp");
  ASSERT_NE(p, nullptr);
  const std::vector<double> want = Predict(*p, data.x);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        std::vector<double> got;
        if (!p->Predict(data.x, &got).ok() || got != want)
          ++mismatches;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace kiln
