#include "learn/unsupervised/internal/fit_input.h"

#include <chrono>
#include <string>

namespace kiln::unsupervised_internal {

Status CheckFitInput(std::string_view algorithm, int feature_dim, const Matrix& x,
                     const FitContext& ctx) {
  const std::string name(algorithm);
  if (std::chrono::steady_clock::now() >= ctx.deadline)
    return Status::DeadlineExceeded(name + ": deadline passed before fitting");
  if (x.rows == 0)
    return Status::InvalidArgument(name + ": the training set has no rows");
  if (x.cols == 0)
    return Status::InvalidArgument(name + ": the training set has no feature columns");
  if (feature_dim != 0 && static_cast<std::size_t>(feature_dim) != x.cols) {
    return Status::InvalidArgument(
        "hyperparameter \"feature_dim\": " + std::to_string(feature_dim) + " but the data has " +
        std::to_string(x.cols) + " columns");
  }
  return Status::Ok();
}

}  // namespace kiln::unsupervised_internal
