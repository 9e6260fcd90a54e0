// XgboostObjectiveLink: how an XGBoost objective turns summed tree margins into predictions, and
// its base_score into the base margin, exactly as libxgboost 1.7 does (float32 arithmetic).
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>

#include "common/status.h"
#include "infer/forest_spec.h"

namespace kiln {

struct ObjectiveLink {
  ForestOutput output = ForestOutput::kIdentity;
  float base_margin = 0;
};

// FailedPrecondition for an objective it does not know (the caller keeps libxgboost for that
// model) or a base_score the objective cannot take (outside (0, 1) for logistic, <= 0 for log
// links). `num_class` is the model's num_class (0 or 1 when not multiclass).
Result<ObjectiveLink> XgboostObjectiveLink(std::string_view objective, float base_score,
                                           int num_class);

}  // namespace kiln
