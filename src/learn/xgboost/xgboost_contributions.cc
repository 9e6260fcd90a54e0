#include "learn/xgboost/xgboost_contributions.h"

#include <string>

#include "learn/xgboost/xgboost_model.h"

namespace kiln {

Result<std::vector<double>> XgboostContributions(const Model& model, const Matrix& x) {
  const auto* xgb = dynamic_cast<const XgboostModel*>(&model);
  if (xgb == nullptr) {
    return Status::InvalidArgument("feature contributions need an xgboost model, got a \"" +
                                   model.algorithm() + "\" model");
  }
  return xgb->Contributions(x);
}

}  // namespace kiln
