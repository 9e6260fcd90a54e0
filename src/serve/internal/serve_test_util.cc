#include "serve/internal/serve_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <thread>

#include "common/digest.h"
#include "common/file_util.h"
#include "features/feature_pipeline.h"
#include "infer/input_rows.h"
#include "learn/registry.h"
#include "learn/unsupervised/unsupervised_model.h"
#include "model/kiln_model.h"
#include "serve/request_fields.h"
#include "table/table.h"

namespace kiln::serve_testing {
namespace {

// {"features":["f0","f1",...]}, as src/jobs records the input columns.
std::string FeaturesInfo(const std::vector<std::string>& features) {
  std::string out = "{\"features\":[";
  for (std::size_t i = 0; i < features.size(); ++i)
    out += (i > 0 ? ",\"" : "\"") + features[i] + "\"";
  return out + "]}";
}

void Check(const Status& s, const char* what) {
  ASSERT_TRUE(s.ok()) << what << ": " << s.ToString();
}

}  // namespace

TempDir::TempDir() {
  path_ = (std::filesystem::temp_directory_path() / ("kiln-serve-" + HexEncode(RandomBytes(6))))
              .string();
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string MakeTarGz(const std::vector<TarEntry>& files) {
  Result<std::string> gz = WriteTarGz(files, 1700000000);
  EXPECT_TRUE(gz.ok()) << gz.status().ToString();
  return gz.ok() ? std::move(gz).value() : std::string();
}

TinyData MakeData(std::size_t rows, std::size_t cols, int classes, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  TinyData d;
  d.x = Matrix(rows, cols);
  for (std::size_t r = 0; r < rows; ++r) {
    double s = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      d.x.at(r, c) = u(rng);
      s += (c % 2 == 0 ? 1.0 : -0.5) * d.x.at(r, c);
    }
    if (classes == 0) {
      d.y.push_back(static_cast<float>(3 * s + 0.1 * u(rng)));
    } else {
      const double t = (s + 0.5 * static_cast<double>(cols)) / static_cast<double>(cols);
      d.y.push_back(static_cast<float>(
          std::min(classes - 1, std::max(0, static_cast<int>(t * classes * 1.3 - 0.2)))));
    }
  }
  return d;
}

TrainedBooster TrainBooster(const TinyData& data, const std::string& objective, int rounds,
                            int num_class, const KeyValues& extra) {
  TrainedBooster out;
  auto dm = MakeXgbDMatrix(data.x, 1);
  EXPECT_TRUE(dm.ok()) << dm.status().ToString();
  EXPECT_EQ(XGDMatrixSetFloatInfo(dm->get(), "label", data.y.data(), data.y.size()), 0);
  const DMatrixHandle cache[] = {dm->get()};
  auto booster = MakeXgbBooster(cache, 1);
  EXPECT_TRUE(booster.ok()) << booster.status().ToString();
  out.booster = std::move(booster).value();
  BoosterHandle h = out.booster.get();
  XGBoosterSetParam(h, "objective", objective.c_str());
  XGBoosterSetParam(h, "max_depth", "3");
  XGBoosterSetParam(h, "nthread", "1");
  XGBoosterSetParam(h, "seed", "7");
  XGBoosterSetParam(h, "verbosity", "0");
  if (num_class > 0)
    XGBoosterSetParam(h, "num_class", std::to_string(num_class).c_str());
  for (const auto& [name, value] : extra)
    XGBoosterSetParam(h, name.c_str(), value.c_str());
  for (int i = 0; i < rounds; ++i)
    EXPECT_EQ(XGBoosterUpdateOneIter(h, i, dm->get()), 0) << XGBGetLastError();
  bst_ulong len = 0;
  const char* raw = nullptr;
  EXPECT_EQ(XGBoosterSaveModelToBuffer(h, R"({"format":"json"})", &len, &raw), 0);
  out.json_model.assign(raw, len);
  EXPECT_EQ(XGBoosterSaveModelToBuffer(h, R"({"format":"deprecated"})", &len, &raw), 0)
      << XGBGetLastError();
  out.binary_model.assign(raw, len);
  return out;
}

std::vector<float> BoosterPredict(const XgbBooster& booster, const Matrix& x) {
  auto dm = MakeXgbDMatrix(x, 1);
  EXPECT_TRUE(dm.ok());
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  const char* config =
      R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";
  EXPECT_EQ(XGBoosterPredictFromDMatrix(booster.get(), dm->get(), config, &shape, &dim, &result), 0)
      << XGBGetLastError();
  std::size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i)
    n *= shape[i];
  return std::vector<float>(result, result + n);
}

std::string TrainKilnModel(const TinyData& data, const std::string& algorithm, int classes,
                           const std::string& scratch_dir) {
  Table table;
  table.source = "train";
  table.num_rows = data.x.rows;
  std::vector<std::string> features;
  for (std::size_t c = 0; c < data.x.cols; ++c) {
    Column col;
    col.name = "f" + std::to_string(c);
    col.type = ColumnType::kNumeric;
    for (std::size_t r = 0; r < data.x.rows; ++r)
      col.values.push_back(data.x.at(r, c));
    col.distinct = data.x.rows;
    features.push_back(col.name);
    table.columns.push_back(std::move(col));
  }
  const bool unsupervised = algorithm == "kmeans" || algorithm == "pca";
  const Task task = unsupervised || classes == 0 ? Task::kRegression
                    : classes == 2               ? Task::kBinary
                                                 : Task::kMulticlass;
  PipelineSpec spec;
  spec.encoding = FeatureEncoding::kLinear;
  std::vector<std::string> class_names;
  for (int k = 0; k < classes && !unsupervised; ++k)
    class_names.push_back(std::to_string(k));
  spec.class_names = class_names;
  Matrix x;
  auto pipeline = FeaturePipeline::Fit(table, features, spec, task, unsupervised ? 0 : classes,
                                       unsupervised ? std::span<const float>() : data.y, 1, &x);
  EXPECT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  KilnModel model;
  model.info_json = FeaturesInfo(features);
  model.pipelines.push_back(std::move(pipeline).value());
  FitContext ctx{1, 1};
  if (unsupervised) {
    auto fitted = FitUnsupervised(algorithm, {{"k", "2"}}, x, ctx);
    EXPECT_TRUE(fitted.ok()) << fitted.status().ToString();
    model.unsupervised = UnsupervisedPart{algorithm, {}, std::move(fitted).value()};
  } else {
    auto learner = MakeLearner(algorithm, {}, task, classes);
    EXPECT_TRUE(learner.ok()) << learner.status().ToString();
    const TrainSet set{&x, data.y, {}, model.pipelines[0].output_categorical()};
    auto fitted = (*learner)->Fit(set, nullptr, ctx);
    EXPECT_TRUE(fitted.ok()) << fitted.status().ToString();
    model.task = task;
    model.num_classes = task == Task::kRegression ? 0 : classes;
    model.class_labels = class_names;
    model.target = "label";
    EnsembleMember member;
    member.algorithm = algorithm;
    member.bag.push_back(std::shared_ptr<const Model>(std::move(fitted).value()));
    model.members.push_back(std::move(member));
  }
  const std::string path = scratch_dir + "/train-" + HexEncode(RandomBytes(4)) + ".kiln";
  Check(model.Save(path), "saving model.kiln");
  auto bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

std::string ToCsv(const Matrix& x) {
  std::string out;
  char buf[32];
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) {
      std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(x.at(r, c)));
      out += (c > 0 ? "," : "") + std::string(buf);
    }
    out += "\n";
  }
  return out;
}

ServeEnv::ServeEnv() {
  auto db = Database::Open(dir_.path() + "/kiln.db");
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::move(db).value();
  auto store = ObjectStore::Open(dir_.path() + "/objects", *db_);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
  Check(store_->CreateBucket("models"), "creating bucket models");
}

std::string ServeEnv::Upload(const std::string& key, std::string_view bytes) {
  auto blob = store_->NewBlob();
  EXPECT_TRUE(blob.ok());
  Check((*blob)->Append(bytes), "append");
  Check((*blob)->Finish(), "finish");
  auto put = store_->PutObject("models", key, std::move(blob).value(), {});
  EXPECT_TRUE(put.ok()) << put.status().ToString();
  return "s3://models/" + key;
}

EndpointServiceOptions ServeEnv::Options() const {
  EndpointServiceOptions options;
  options.scratch_dir = dir_.path() + "/scratch";
  return options;
}

std::unique_ptr<EndpointService> ServeEnv::OpenService() {
  auto service = EndpointService::Open(*db_, *store_, Options());
  EXPECT_TRUE(service.ok()) << service.status().ToString();
  return service.ok() ? std::move(service).value() : nullptr;
}

EndpointRecord WaitSettled(EndpointService& service, std::string_view name,
                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto e = service.DescribeEndpoint(name);
    if (!e.ok()) {
      ADD_FAILURE() << "DescribeEndpoint " << name << ": " << e.status().ToString();
      return {};
    }
    if ((e->status != EndpointStatus::kCreating && e->status != EndpointStatus::kUpdating &&
         e->status != EndpointStatus::kSystemUpdating) ||
        std::chrono::steady_clock::now() > deadline) {
      return *e;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void CreateModelAndConfig(EndpointService& service, const std::string& model,
                          const std::string& config, const std::string& url,
                          const std::string& image, int instances) {
  ModelRecord m;
  m.name = model;
  m.container.image = image;
  m.container.model_data_url = url;
  auto created = service.CreateModel(m);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EndpointConfigRecord c;
  c.name = config;
  VariantSpec v;
  v.variant_name = "AllTraffic";
  v.model_name = model;
  v.initial_instance_count = instances;
  v.instance_type = "ml.m5.large";
  c.variants.push_back(v);
  auto made = service.CreateEndpointConfig(c);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
}

std::vector<double> PredictFields(const Predictor& p, MediaType type, std::string_view body) {
  FieldRows fields;
  InputRows inputs;
  Status s = ParseFieldsInto(type, body, p.num_features(), &fields);
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = p.DecodeFields(fields, &inputs);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<double> out(inputs.rows * static_cast<std::size_t>(p.output().outputs));
  s = p.PredictInputs(inputs, out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

}  // namespace kiln::serve_testing
