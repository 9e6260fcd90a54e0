// DeploymentLoader: builds an endpoint's Deployment from its EndpointSpec — reads each variant's
// model.tar.gz from the object store once, unpacks it in memory and loads one Predictor per
// instance. Loading happens here, off the request path; requests never touch the disk.
//
// Errors say which variant and model failed and why, for the endpoint's FailureReason:
//   variant "AllTraffic", model "churn": s3://models/churn/model.tar.gz does not exist
// Thread-safety: const methods, safe from many threads; `store` must outlive the loader.
#pragma once

#include <cstdint>
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

  // Loads every variant of `spec`. With `reuse`, a variant whose name and model are the same there
  // keeps its instances (loading or dropping copies to reach the new count) and takes the new
  // weight: a capacity change loads nothing it already has.
  Result<std::shared_ptr<const Deployment>> Load(const EndpointSpec& spec, const Deployment* reuse,
                                                 std::uint64_t seed) const;

  // The files of the model.tar.gz at `url` (s3://bucket/key).
  Result<std::vector<TarEntry>> FetchArtifact(const std::string& url) const;

 private:
  ObjectStore& store_;
  const DeploymentLoaderOptions options_;
};

// The identity that decides reuse: the container's image and ModelDataUrl.
std::string ModelIdentity(const DeployedVariant& variant);

}  // namespace kiln
