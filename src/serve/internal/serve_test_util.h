// Test fixtures for the serving module and src/api's endpoint tests: temporary directories, a real
// metadata database and object store on disk, tiny models trained in the test (XGBoost through its
// C API, Kiln models through the learner registry), model.tar.gz packing, and waiting for an
// endpoint to settle. Test-only; owned by one test thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/tar_gz.h"
#include "learn/matrix.h"
#include "learn/xgboost/xgboost_handles.h"
#include "meta/database.h"
#include "serve/endpoint_service.h"
#include "serve/predictor.h"
#include "serve/request_payload.h"
#include "store/object_store.h"

namespace kiln::serve_testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A gzip-compressed ustar archive holding `files`, as `tar czf` would make.
std::string MakeTarGz(const std::vector<TarEntry>& files);

struct TinyData {
  Matrix x;
  std::vector<float> y;
};

// `rows` x `cols` uniform features in [0, 1) (seeded) and labels: for `classes` = 0 a regression
// target, else class ids 0..classes-1 that depend on the features.
TinyData MakeData(std::size_t rows, std::size_t cols, int classes, std::uint64_t seed);

struct TrainedBooster {
  XgbBooster booster;
  std::string json_model;    // XGBoost's JSON model format
  std::string binary_model;  // XGBoost's legacy binary format ("deprecated")
};

// Trains `rounds` rounds of `objective` ("binary:logistic", "multi:softprob" with num_class ...).
// `extra` adds booster parameters, e.g. {{"booster", "gblinear"}}.
TrainedBooster TrainBooster(const TinyData& data, const std::string& objective, int rounds,
                            int num_class = 0, const KeyValues& extra = {});

// The booster's own predictions of `x` (through a DMatrix, not in-place prediction).
std::vector<float> BoosterPredict(const XgbBooster& booster, const Matrix& x);

// Trains a Kiln learner (`algorithm` "linear", ...; "kmeans" is unsupervised) behind a numeric
// pipeline, as src/jobs does, and returns its model.kiln bytes (info lists features f0, f1, ...).
std::string TrainKilnModel(const TinyData& data, const std::string& algorithm, int classes,
                           const std::string& scratch_dir);

// "1.5,2,3\n..." : the rows of `x` as CSV.
std::string ToCsv(const Matrix& x);

// `body` parsed into text fields, decoded and predicted by `p` as InvokeEndpoint does for a model
// that reads fields; each step is EXPECTed to succeed.
std::vector<double> PredictFields(const Predictor& p, MediaType type, std::string_view body);

// A metadata database and object store in a temp dir, with a bucket "models".
class ServeEnv {
 public:
  ServeEnv();
  Database& db() { return *db_; }
  ObjectStore& store() { return *store_; }
  const std::string& dir() const { return dir_.path(); }
  // Puts `bytes` at models/<key>; returns its s3:// URL.
  std::string Upload(const std::string& key, std::string_view bytes);
  // Options for an EndpointService here (scratch dir inside the temp dir).
  EndpointServiceOptions Options() const;
  // Opens a service over this database and store.
  std::unique_ptr<EndpointService> OpenService();

 private:
  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ObjectStore> store_;
};

// Polls DescribeEndpoint until the endpoint is not Creating, Updating or SystemUpdating (or
// `timeout`).
EndpointRecord WaitSettled(EndpointService& service, std::string_view name,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

// CreateModel + CreateEndpointConfig (one variant "AllTraffic", `instances` copies).
void CreateModelAndConfig(EndpointService& service, const std::string& model,
                          const std::string& config, const std::string& url,
                          const std::string& image =
                              "683313688378.dkr.ecr.us-east-1.amazonaws."
                              "com/sagemaker-xgboost:1.7-1",
                          int instances = 1);

}  // namespace kiln::serve_testing
