#include "serve/deployment_loader.h"

#include <mutex>

#include "serve/resource_names.h"
#include "store/object_store.h"

namespace kiln {

std::string ModelIdentity(const DeployedVariant& v) {
  return v.model_name + "\n" + v.container.image + "\n" + v.container.model_data_url;
}

Result<std::vector<TarEntry>> DeploymentLoader::FetchArtifact(const std::string& url) const {
  ASSIGN_OR_RETURN(S3ObjectRef loc, ParseS3ObjectUrl("ModelDataUrl", url));
  Result<std::unique_ptr<ObjectReader>> opened = store_.OpenObject(loc.bucket, loc.key);
  if (!opened.ok()) {
    if (opened.error().code() == StatusCode::kNotFound)
      return Status::NotFound(url + " does not exist (was the object or its bucket deleted?)");
    return opened.error().WithContext(url);
  }
  ObjectReader& reader = **opened;
  const std::uint64_t size = reader.info().size;
  if (size > options_.max_artifact_bytes) {
    return Status::InvalidArgument(url + " is " + std::to_string(size) + " bytes, more than the " +
                                   std::to_string(options_.max_artifact_bytes) + " allowed");
  }
  std::string bytes(size, '\0');
  std::uint64_t done = 0;
  while (done < size) {
    ASSIGN_OR_RETURN(std::size_t n, reader.ReadAt(done, bytes.data() + done, size - done));
    if (n == 0)
      return Status::IoError(url + ": the object ended after " + std::to_string(done) + " bytes");
    done += n;
  }
  Result<std::vector<TarEntry>> files = ReadTarGz(bytes, options_.max_artifact_bytes);
  if (!files.ok())
    return files.error().WithContext(url + " is not a readable model.tar.gz");
  return std::move(files).value();
}

PredictorFactory DeploymentLoader::Factory(const DeployedVariant& dv) const {
  struct Cache {
    std::mutex mu;
    std::shared_ptr<const std::vector<TarEntry>> files;  // GUARDED_BY(mu)
  };
  auto cache = std::make_shared<Cache>();
  const std::string where = "variant \"" + dv.variant_name + "\", model \"" + dv.model_name + "\"";
  const std::string url = dv.container.model_data_url;
  return [this, cache, where, url]() -> Result<std::shared_ptr<const Predictor>> {
    std::shared_ptr<const std::vector<TarEntry>> files;
    {
      std::lock_guard<std::mutex> lock(cache->mu);
      if (cache->files == nullptr) {
        Result<std::vector<TarEntry>> fetched = FetchArtifact(url);
        if (!fetched.ok())
          return Status::FailedPrecondition(where + ": " + fetched.error().message());
        cache->files = std::make_shared<const std::vector<TarEntry>>(std::move(fetched).value());
      }
      files = cache->files;
    }
    Result<std::unique_ptr<const Predictor>> p =
        LoadPredictor(*files, PredictorOptions{options_.scratch_dir});
    if (!p.ok())
      return Status::FailedPrecondition(where + ": " + url + ": " + p.error().message());
    return std::shared_ptr<const Predictor>(std::move(p).value());
  };
}

Result<std::shared_ptr<const Deployment>> DeploymentLoader::Load(const EndpointSpec& spec,
                                                                 std::uint64_t seed,
                                                                 const VariantMaker& make) const {
  std::vector<VariantDeployment> variants;
  for (const DeployedVariant& dv : spec.variants) {
    VariantDeployment v;
    v.name = dv.variant_name;
    v.model_name = dv.model_name;
    v.model_identity = ModelIdentity(dv);
    v.weight = dv.weight;
    v.live = make(dv, Factory(dv));
    v.live->SetDesired(dv.instance_count);
    RETURN_IF_ERROR(v.live->Reconcile());
    variants.push_back(std::move(v));
  }
  if (variants.empty())
    return Status::FailedPrecondition("the endpoint has no production variants");
  return std::shared_ptr<const Deployment>(
      std::make_shared<Deployment>(std::move(variants), seed, spec.data_capture));
}

}  // namespace kiln
