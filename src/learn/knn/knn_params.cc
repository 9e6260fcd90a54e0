#include "learn/knn/knn_params.h"

#include <charconv>
#include <string_view>

namespace kiln {
namespace {

Status BadValue(std::string_view name, std::string_view value, std::string_view expected) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) + "\": \"" +
                                 std::string(value) + "\" is not " + std::string(expected));
}

Result<int> ParseInt(std::string_view name, std::string_view value) {
  int v = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, v);
  if (value.empty() || ec != std::errc() || ptr != end)
    return BadValue(name, value, "an integer");
  return v;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

const char* const KnnParams::kNames[4] = {"algorithm", "n_neighbors", "p", "weights"};

Result<KnnParams> KnnParams::Parse(const HyperParams& params) {
  KnnParams p;
  for (const auto& [name, value] : params) {
    if (name == "n_neighbors") {
      ASSIGN_OR_RETURN(p.n_neighbors, ParseInt(name, value));
      if (p.n_neighbors < 1) {
        return Status::InvalidArgument("hyperparameter \"n_neighbors\": " + value + " must be ≥ 1");
      }
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
      std::string names;
      for (const char* n : kNames)
        names += (names.empty() ? "" : ", ") + std::string(n);
      return Status::InvalidArgument("unknown hyperparameter \"" + name +
                                     "\" for algorithm \"knn\"; valid names: " + names);
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
