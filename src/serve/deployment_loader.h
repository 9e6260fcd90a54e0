// DeploymentLoader: builds an endpoint's Deployment from its EndpointSpec — a LiveVariant per
// production variant, each with a PredictorFactory that reads the variant's model.tar.gz from the
// object store once (on first use), keeps its files in memory and loads one Predictor per instance;
// Load then loads each variant's instance count. Loading happens here and in
// LiveVariant::Reconcile, off the request path; requests never touch the disk.
//
// Errors say which variant and model failed and why, for the endpoint's FailureReason:
//   variant "AllTraffic", model "churn": s3://models/churn/model.tar.gz does not exist
// Thread-safety: const methods, safe from many threads; `store` must outlive the loader.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/tar_gz.h"
#include "serve/deployment.h"
#include "serve/endpoint_types.h"

namespace kiln {

class ObjectStore;

struct DeploymentLoaderOptions {
  std::string scratch_dir;                        // see PredictorOptions
  std::uint64_t max_artifact_bytes = 4ull << 30;  // model.tar.gz, compressed and unpacked
};

class DeploymentLoader {
 public:
  DeploymentLoader(ObjectStore& store, DeploymentLoaderOptions options)
      : store_(store), options_(std::move(options)) {}

  // Makes the (empty) LiveVariant that will serve `variant` with `factory`.
  using VariantMaker = std::function<std::shared_ptr<LiveVariant>(const DeployedVariant& variant,
                                                                  PredictorFactory factory)>;

  // Builds every variant of `spec` with `make` and loads its instance_count instances here (a
  // count of 0 loads none: the variant starts scaled to zero).
  Result<std::shared_ptr<const Deployment>> Load(const EndpointSpec& spec, std::uint64_t seed,
                                                 const VariantMaker& make) const;

  // Loads copies of `variant`'s model; errors name the variant and model. The returned factory
  // refers to this loader, which must outlive it.
  PredictorFactory Factory(const DeployedVariant& variant) const;

  // The files of the model.tar.gz at `url` (s3://bucket/key).
  Result<std::vector<TarEntry>> FetchArtifact(const std::string& url) const;

 private:
  ObjectStore& store_;
  const DeploymentLoaderOptions options_;
};

// The identity that decides reuse: the container's image and ModelDataUrl.
std::string ModelIdentity(const DeployedVariant& variant);

}  // namespace kiln
