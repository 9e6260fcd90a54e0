// The objective table of XgboostObjectiveLink (libxgboost 1.7's src/objective/*: PredTransform
// and ProbToMargin of each).
#include "infer/xgboost_objective.h"

#include <array>
#include <cmath>
#include <string>

namespace kiln {
namespace {

enum class Margin { kIdentity, kLogit, kLog };

struct Objective {
  std::string_view name;
  ForestOutput output;
  Margin margin;
};

constexpr std::array<Objective, 19> kObjectives = {{
    {"reg:squarederror", ForestOutput::kIdentity, Margin::kIdentity},
    {"reg:linear", ForestOutput::kIdentity, Margin::kIdentity},
    {"reg:squaredlogerror", ForestOutput::kIdentity, Margin::kIdentity},
    {"reg:pseudohubererror", ForestOutput::kIdentity, Margin::kIdentity},
    {"reg:absoluteerror", ForestOutput::kIdentity, Margin::kIdentity},
    {"reg:logistic", ForestOutput::kSigmoid, Margin::kLogit},
    {"binary:logistic", ForestOutput::kSigmoid, Margin::kLogit},
    {"binary:logitraw", ForestOutput::kIdentity, Margin::kIdentity},  // 1.7: base_score as is
    {"binary:hinge", ForestOutput::kHinge, Margin::kIdentity},
    {"count:poisson", ForestOutput::kExp, Margin::kLog},
    {"reg:gamma", ForestOutput::kExp, Margin::kLog},
    {"reg:tweedie", ForestOutput::kExp, Margin::kLog},
    {"survival:cox", ForestOutput::kExp, Margin::kLog},
    {"survival:aft", ForestOutput::kExp, Margin::kLog},
    {"multi:softprob", ForestOutput::kSoftmax, Margin::kIdentity},
    {"multi:softmax", ForestOutput::kArgMax, Margin::kIdentity},
    {"rank:pairwise", ForestOutput::kIdentity, Margin::kIdentity},
    {"rank:ndcg", ForestOutput::kIdentity, Margin::kIdentity},
    {"rank:map", ForestOutput::kIdentity, Margin::kIdentity},
}};

}  // namespace

Result<ObjectiveLink> XgboostObjectiveLink(std::string_view objective, float base_score,
                                           int num_class) {
  const Objective* found = nullptr;
  for (const Objective& o : kObjectives) {
    if (o.name == objective)
      found = &o;
  }
  const std::string name(objective);
  if (found == nullptr)
    return Status::FailedPrecondition("objective \"" + name + "\" is not compiled");
  const bool multi =
      found->output == ForestOutput::kSoftmax || found->output == ForestOutput::kArgMax;
  if (multi && num_class < 1)
    return Status::FailedPrecondition("objective " + name + " without num_class");
  if (!multi && num_class > 1) {
    return Status::FailedPrecondition("objective " + name + " with num_class " +
                                      std::to_string(num_class));
  }
  if (!std::isfinite(base_score))
    return Status::FailedPrecondition("base_score is not a finite number");
  ObjectiveLink link;
  link.output = found->output;
  switch (found->margin) {
    case Margin::kIdentity:
      link.base_margin = base_score;
      break;
    case Margin::kLogit:
      if (!(base_score > 0.0f && base_score < 1.0f))
        return Status::FailedPrecondition("base_score must be in (0, 1) for " + name);
      link.base_margin = -std::log(1.0f / base_score - 1.0f);
      break;
    case Margin::kLog:
      if (!(base_score > 0.0f))
        return Status::FailedPrecondition("base_score must be positive for " + name);
      link.base_margin = std::log(base_score);
      break;
  }
  return link;
}

}  // namespace kiln
