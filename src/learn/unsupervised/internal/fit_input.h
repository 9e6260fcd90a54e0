// CheckFitInput: what k-means and PCA both require before they fit (the deadline not yet passed,
// at least one row and one column, SageMaker's optional feature_dim equal to the column count),
// checked once so both refuse the same input with the same words. Private to learn/unsupervised.
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/matrix.h"

namespace kiln::unsupervised_internal {

// DeadlineExceeded when ctx.deadline has passed; InvalidArgument "<algorithm>: ..." for no rows or
// no columns, and naming feature_dim when it is not 0 (not given) and differs from x.cols.
Status CheckFitInput(std::string_view algorithm, int feature_dim, const Matrix& x,
                     const FitContext& ctx);

}  // namespace kiln::unsupervised_internal
