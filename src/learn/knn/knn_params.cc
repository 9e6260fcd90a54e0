#include "learn/knn/knn_params.h"

#include <charconv>
#include <string_view>

#include "learn/hyperparam_text.h"

namespace kiln {
namespace {

using hp::BadValue;
using hp::Lower;
using hp::ParseInt;

}  // namespace

const char* const KnnParams::kNames[4] = {"algorithm", "n_neighbors", "p", "weights"};

Result<KnnParams> KnnParams::Parse(const HyperParams& params) {
  KnnParams p;
  for (const auto& [name, value] : params) {
    if (name == "n_neighbors") {
      ASSIGN_OR_RETURN(p.n_neighbors, ParseInt(name, value));
      if (p.n_neighbors < 1)
        return hp::MustBeAtLeast(name, value, "1");
    } else if (name == "weights") {
      const std::string v = Lower(value);
      if (v == "uniform") {
        p.distance_weights = false;
      } else if (v == "distance") {
        p.distance_weights = true;
      } else {
        return BadValue(name, value, "\"uniform\" or \"distance\"");
      }
    } else if (name == "p") {
      ASSIGN_OR_RETURN(p.p, ParseInt(name, value));
      if (p.p != 1 && p.p != 2) {
        return Status::InvalidArgument("hyperparameter \"p\": " + value +
                                       " is not supported; use 1 (Manhattan) or 2 (Euclidean)");
      }
    } else if (name == "algorithm") {
      const std::string v = Lower(value);
      if (v != "auto" && v != "brute") {
        return Status::InvalidArgument("hyperparameter \"algorithm\": \"" + value +
                                       "\" is not supported; kiln's knn searches by brute force, "
                                       "use \"auto\" or \"brute\"");
      }
      p.algorithm = v;
    } else if (name == "leaf_size") {
      return Status::InvalidArgument(
          "hyperparameter \"leaf_size\" tunes tree searches, which kiln's knn does not implement "
          "(it searches by brute force); remove it");
    } else {
      return hp::UnknownName(name, "knn", kNames);
    }
  }
  return p;
}

HyperParams KnnParams::ToHyperParams() const {
  return {
      {"algorithm", algorithm},
      {"n_neighbors", std::to_string(n_neighbors)},
      {"p", std::to_string(p)},
      {"weights", distance_weights ? "distance" : "uniform"},
  };
}

}  // namespace kiln
