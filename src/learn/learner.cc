#include "learn/learner.h"

#include <algorithm>
#include <cmath>

namespace kiln {

void Model::PredictMargin(const Matrix& x, std::vector<double>* out) const {
  Predict(x, out);
  if (task() == Task::kRegression)
    return;
  constexpr double kEps = 1e-15;
  for (double& v : *out) {
    double p = std::clamp(v, kEps, 1 - kEps);
    v = task() == Task::kBinary ? std::log(p / (1 - p)) : std::log(p);
  }
}

Result<std::vector<double>> Model::Contributions(const Matrix&) const {
  return Status::Unimplemented(
      "the " + algorithm() +
      " model cannot compute SHAP contributions (explain supports xgboost, "
      "linear, random_forest and extra_trees)");
}

}  // namespace kiln
