#include "learn/unsupervised/unsupervised_model.h"

#include "learn/unsupervised/kmeans.h"
#include "learn/unsupervised/pca.h"

namespace kiln {
namespace {

Status UnknownAlgorithm(std::string_view algorithm) {
  std::string names;
  for (const auto& n : UnsupervisedAlgorithms())
    names += (names.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown unsupervised algorithm \"" + std::string(algorithm) +
                                 "\"; expected one of: " + names);
}

}  // namespace

std::vector<std::string> UnsupervisedAlgorithms() { return {"kmeans", "pca"}; }

Result<std::unique_ptr<UnsupervisedModel>> FitUnsupervised(std::string_view algorithm,
                                                           const HyperParams& params,
                                                           const Matrix& x, const FitContext& ctx) {
  if (algorithm == "kmeans") {
    ASSIGN_OR_RETURN(KMeansParams p, KMeansParams::Parse(params));
    ASSIGN_OR_RETURN(std::unique_ptr<KMeansModel> model, FitKMeans(p, x, ctx));
    return std::unique_ptr<UnsupervisedModel>(std::move(model));
  }
  if (algorithm == "pca") {
    ASSIGN_OR_RETURN(PcaParams p, PcaParams::Parse(params));
    ASSIGN_OR_RETURN(std::unique_ptr<PcaModel> model, FitPca(p, x, ctx));
    return std::unique_ptr<UnsupervisedModel>(std::move(model));
  }
  return UnknownAlgorithm(algorithm);
}

Result<std::unique_ptr<UnsupervisedModel>> LoadUnsupervised(std::string_view algorithm,
                                                            std::string_view bytes) {
  if (algorithm == "kmeans") {
    ASSIGN_OR_RETURN(std::unique_ptr<KMeansModel> model, KMeansModel::Load(bytes));
    return std::unique_ptr<UnsupervisedModel>(std::move(model));
  }
  if (algorithm == "pca") {
    ASSIGN_OR_RETURN(std::unique_ptr<PcaModel> model, PcaModel::Load(bytes));
    return std::unique_ptr<UnsupervisedModel>(std::move(model));
  }
  return UnknownAlgorithm(algorithm);
}

}  // namespace kiln
