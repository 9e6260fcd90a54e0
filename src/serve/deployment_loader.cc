#include "serve/deployment_loader.h"

#include <map>

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

Result<std::shared_ptr<const Deployment>> DeploymentLoader::Load(const EndpointSpec& spec,
                                                                 const Deployment* reuse,
                                                                 std::uint64_t seed) const {
  PredictorOptions predictor_options{options_.scratch_dir};
  std::map<std::string, std::vector<TarEntry>> artifacts;  // by ModelDataUrl, read once
  std::vector<VariantDeployment> variants;
  for (const DeployedVariant& dv : spec.variants) {
    const std::string where =
        "variant \"" + dv.variant_name + "\", model \"" + dv.model_name + "\"";
    VariantDeployment v;
    v.name = dv.variant_name;
    v.model_name = dv.model_name;
    v.model_identity = ModelIdentity(dv);
    v.weight = dv.weight;
    if (reuse != nullptr) {
      if (std::optional<std::size_t> i = reuse->Find(dv.variant_name)) {
        const VariantDeployment& old = reuse->variants()[*i];
        if (old.model_identity == v.model_identity)
          v.instances = old.instances;
      }
    }
    const std::size_t want = static_cast<std::size_t>(std::max(1, dv.instance_count));
    if (v.instances.size() > want)
      v.instances.resize(want);
    while (v.instances.size() < want) {
      auto it = artifacts.find(dv.container.model_data_url);
      if (it == artifacts.end()) {
        Result<std::vector<TarEntry>> files = FetchArtifact(dv.container.model_data_url);
        if (!files.ok())
          return Status::FailedPrecondition(where + ": " + files.error().message());
        it = artifacts.emplace(dv.container.model_data_url, std::move(files).value()).first;
      }
      Result<std::unique_ptr<const Predictor>> p = LoadPredictor(it->second, predictor_options);
      if (!p.ok()) {
        return Status::FailedPrecondition(where + ": " + dv.container.model_data_url + ": " +
                                          p.error().message());
      }
      v.instances.push_back(ModelInstance{std::shared_ptr<const Predictor>(std::move(p).value())});
    }
    variants.push_back(std::move(v));
  }
  if (variants.empty())
    return Status::FailedPrecondition("the endpoint has no production variants");
  return std::shared_ptr<const Deployment>(std::make_shared<Deployment>(std::move(variants), seed));
}

}  // namespace kiln
