#include "serve/internal/xgboost_model_check.h"

#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kiln::serve_internal {
namespace {

using nlohmann::json;

// A categorical split's largest category: libxgboost sizes a bit field by it.
constexpr std::int64_t kMaxCategory = 1 << 24;

Status Bad(const std::string& why) {
  return Status::FailedPrecondition("xgboost-model is malformed: " + why);
}

// A member that XGBoost writes as a decimal string ("3") or, in some versions, a number.
Result<std::int64_t> IntParam(const json& obj, const char* key, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key))
    return Bad(where + " has no " + key);
  const json& v = obj.at(key);
  if (v.is_number_integer())
    return v.get<std::int64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size())
      return out;
  }
  return Bad(where + "." + key + " is not an integer");
}

// The integer array `key` of `tree`, of exactly `n` entries.
Result<std::vector<std::int64_t>> IntArray(const json& tree, const char* key, std::size_t n,
                                           const std::string& where) {
  if (!tree.contains(key) || !tree.at(key).is_array())
    return Bad(where + " has no " + key + " list");
  const json& a = tree.at(key);
  if (n != static_cast<std::size_t>(-1) && a.size() != n) {
    return Bad(where + "." + key + " has " + std::to_string(a.size()) + " entries, not " +
               std::to_string(n));
  }
  std::vector<std::int64_t> out;
  out.reserve(a.size());
  for (const json& v : a) {
    if (!v.is_number_integer() && !v.is_boolean())
      return Bad(where + "." + key + " holds a value that is not an integer");
    out.push_back(v.is_boolean() ? static_cast<std::int64_t>(v.get<bool>())
                                 : v.get<std::int64_t>());
  }
  return out;
}

Status CheckCategories(const json& tree, std::size_t n, const std::vector<std::int64_t>& types,
                       const std::string& where) {
  bool categorical = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (types[i] != 0 && types[i] != 1)
      return Bad(where + ": split_type " + std::to_string(types[i]) + " is unknown");
    categorical = categorical || types[i] == 1;
  }
  if (!categorical)
    return Status::Ok();
  const std::size_t any = static_cast<std::size_t>(-1);
  ASSIGN_OR_RETURN(std::vector<std::int64_t> nodes, IntArray(tree, "categories_nodes", any, where));
  ASSIGN_OR_RETURN(std::vector<std::int64_t> begins,
                   IntArray(tree, "categories_segments", nodes.size(), where));
  ASSIGN_OR_RETURN(std::vector<std::int64_t> sizes,
                   IntArray(tree, "categories_sizes", nodes.size(), where));
  ASSIGN_OR_RETURN(std::vector<std::int64_t> cats, IntArray(tree, "categories", any, where));
  std::vector<bool> listed(n, false);
  std::int64_t last = -1;
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    if (nodes[j] < 0 || static_cast<std::size_t>(nodes[j]) >= n || nodes[j] <= last)
      return Bad(where + ": categories_nodes is not an ascending list of its nodes");
    last = nodes[j];
    listed[nodes[j]] = true;
    if (begins[j] < 0 || sizes[j] < 0 ||
        begins[j] + sizes[j] > static_cast<std::int64_t>(cats.size())) {
      return Bad(where + ": the categories of node " + std::to_string(nodes[j]) +
                 " run past the categories list");
    }
  }
  for (std::int64_t c : cats) {
    if (c < 0 || c > kMaxCategory)
      return Bad(where + ": category " + std::to_string(c) + " is out of range");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (types[i] == 1 && !listed[i])
      return Bad(where + ": categorical node " + std::to_string(i) + " lists no categories");
  }
  return Status::Ok();
}

Status CheckTree(const json& tree, std::int64_t num_feature, const std::string& where) {
  if (!tree.is_object())
    return Bad(where + " is not an object");
  ASSIGN_OR_RETURN(std::int64_t n,
                   IntParam(tree.value("tree_param", json()), "num_nodes", where + ".tree_param"));
  ASSIGN_OR_RETURN(std::int64_t leaf_vector, IntParam(tree.value("tree_param", json()),
                                                      "size_leaf_vector", where + ".tree_param"));
  if (n < 1 || n > (std::int64_t{1} << 31))
    return Bad(where + " has " + std::to_string(n) + " nodes");
  if (leaf_vector > 1)
    return Bad(where + ": vector leaves (multi-target trees) are not supported");
  const std::size_t nodes = static_cast<std::size_t>(n);
  ASSIGN_OR_RETURN(std::vector<std::int64_t> left, IntArray(tree, "left_children", nodes, where));
  ASSIGN_OR_RETURN(std::vector<std::int64_t> right, IntArray(tree, "right_children", nodes, where));
  ASSIGN_OR_RETURN(std::vector<std::int64_t> split, IntArray(tree, "split_indices", nodes, where));
  ASSIGN_OR_RETURN(std::vector<std::int64_t> default_left,
                   IntArray(tree, "default_left", nodes, where));
  if (!tree.contains("split_conditions") || !tree.at("split_conditions").is_array() ||
      tree.at("split_conditions").size() != nodes) {
    return Bad(where + ".split_conditions does not have one value per node");
  }
  std::vector<std::int64_t> types(nodes, 0);
  if (tree.contains("split_type")) {
    ASSIGN_OR_RETURN(types, IntArray(tree, "split_type", nodes, where));
    RETURN_IF_ERROR(CheckCategories(tree, nodes, types, where));
  }
  // Walk from the root: every reachable split needs two children in range, reached once.
  std::vector<bool> seen(nodes, false);
  std::vector<std::int64_t> stack = {0};
  while (!stack.empty()) {
    const std::int64_t i = stack.back();
    stack.pop_back();
    if (seen[i])
      return Bad(where + ": node " + std::to_string(i) + " is reached twice (a cycle?)");
    seen[i] = true;
    if (left[i] == -1)
      continue;  // a leaf
    const bool in_range = left[i] > 0 && left[i] < n && right[i] > 0 && right[i] < n;
    if (!in_range) {
      return Bad(where + ": node " + std::to_string(i) + " has children " +
                 std::to_string(left[i]) + " and " + std::to_string(right[i]) + " of " +
                 std::to_string(n) + " nodes");
    }
    if (split[i] < 0 || split[i] >= num_feature) {
      return Bad(where + ": node " + std::to_string(i) + " splits on feature " +
                 std::to_string(split[i]) + " of " + std::to_string(num_feature));
    }
    stack.push_back(left[i]);
    stack.push_back(right[i]);
  }
  return Status::Ok();
}

}  // namespace

Status CheckXgboostModel(const json& model) {
  try {
    if (!model.is_object() || !model.contains("learner"))
      return Bad("it has no \"learner\"");
    const json& learner = model.at("learner");
    const json params = learner.value("learner_model_param", json());
    ASSIGN_OR_RETURN(std::int64_t num_feature,
                     IntParam(params, "num_feature", "learner_model_param"));
    ASSIGN_OR_RETURN(std::int64_t num_class, IntParam(params, "num_class", "learner_model_param"));
    if (num_feature < 1 || num_feature > kMaxModelFeatures)
      return Bad("num_feature is " + std::to_string(num_feature));
    if (num_class < 0 || num_class > kMaxModelClasses)
      return Bad("num_class is " + std::to_string(num_class));
    if (params.contains("num_target")) {
      ASSIGN_OR_RETURN(std::int64_t targets, IntParam(params, "num_target", "learner_model_param"));
      if (targets != 1)
        return Bad("multi-target models (num_target " + std::to_string(targets) +
                   ") are not supported");
    }
    const std::int64_t groups = std::max<std::int64_t>(1, num_class);
    const json& booster = learner.at("gradient_booster");
    const std::string name = booster.value("name", "");
    if (name == "gblinear") {
      const json& weights = booster.at("model").at("weights");
      if (!weights.is_array() ||
          static_cast<std::int64_t>(weights.size()) != (num_feature + 1) * groups) {
        return Bad("gblinear weights do not match num_feature and num_class");
      }
      return Status::Ok();
    }
    if (name != "gbtree" && name != "dart")
      return Bad("booster \"" + name + "\" is not gbtree, dart or gblinear");
    const json& trees_model =
        name == "dart" ? booster.at("gbtree").at("model") : booster.at("model");
    ASSIGN_OR_RETURN(std::int64_t num_trees,
                     IntParam(trees_model.value("gbtree_model_param", json()), "num_trees",
                              "gbtree_model_param"));
    const json& trees = trees_model.at("trees");
    const json& info = trees_model.at("tree_info");
    if (!trees.is_array() || !info.is_array() ||
        static_cast<std::int64_t>(trees.size()) != num_trees ||
        static_cast<std::int64_t>(info.size()) != num_trees) {
      return Bad("num_trees, trees and tree_info disagree");
    }
    for (std::size_t t = 0; t < trees.size(); ++t) {
      if (!info[t].is_number_integer() || info[t].get<std::int64_t>() < 0 ||
          info[t].get<std::int64_t>() >= groups) {
        return Bad("tree " + std::to_string(t) + " belongs to an output group that does not exist");
      }
      RETURN_IF_ERROR(CheckTree(trees[t], num_feature, "tree " + std::to_string(t)));
    }
    return Status::Ok();
  } catch (const json::exception& e) {
    return Bad(e.what());
  }
}

namespace {

// Reads the little-endian fields of a legacy binary model, refusing any length past the end.
class BinaryWalk {
 public:
  explicit BinaryWalk(std::string_view bytes) : rest_(bytes) {}
  std::size_t left() const { return rest_.size(); }
  bool Skip(std::uint64_t n) {
    if (n > rest_.size())
      return false;
    rest_.remove_prefix(static_cast<std::size_t>(n));
    return true;
  }
  template <typename T>
  bool Read(T* out) {
    if (rest_.size() < sizeof(T))
      return false;
    std::memcpy(out, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return true;
  }
  // dmlc's string: a uint64 length, then the bytes.
  bool String(std::string* out) {
    std::uint64_t n = 0;
    if (!Read(&n) || n > rest_.size())
      return false;
    out->assign(rest_.substr(0, static_cast<std::size_t>(n)));
    rest_.remove_prefix(static_cast<std::size_t>(n));
    return true;
  }
  // dmlc's vector of `element`-byte values: a uint64 count, then the values.
  bool Vector(std::size_t element) {
    std::uint64_t n = 0;
    return Read(&n) && n <= rest_.size() / element && Skip(n * element);
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

constexpr std::size_t kLearnerParamBytes = 136;
constexpr std::size_t kGbTreeParamBytes = 160;
constexpr std::size_t kTreeParamBytes = 148;
constexpr std::size_t kNodeBytes = 20 + 16;  // RegTree::Node and RTreeNodeStat
constexpr std::size_t kGbLinearParamBytes = 136;

}  // namespace

Status CheckLegacyBinaryModel(std::string_view bytes) {
  const Status truncated = Bad("the binary model is truncated or a length in it is corrupt");
  BinaryWalk w(bytes);
  if (bytes.starts_with("binf"))
    w.Skip(4);
  if (!w.rest().empty() && w.rest().front() == '{')
    return Bad("a JSON document after the binary header");
  std::string learner(kLearnerParamBytes, '\0');
  if (w.left() < kLearnerParamBytes)
    return truncated;
  std::memcpy(learner.data(), w.rest().data(), kLearnerParamBytes);
  w.Skip(kLearnerParamBytes);
  std::uint32_t num_feature = 0;
  std::int32_t num_class = 0;
  std::int32_t extra_attrs = 0;
  std::memcpy(&num_feature, learner.data() + 4, 4);
  std::memcpy(&num_class, learner.data() + 8, 4);
  std::memcpy(&extra_attrs, learner.data() + 12, 4);
  if (num_feature < 1 || num_feature > kMaxModelFeatures)
    return Bad("num_feature is " + std::to_string(num_feature));
  if (num_class < 0 || num_class > kMaxModelClasses)
    return Bad("num_class is " + std::to_string(num_class));
  // The objective's length may carry a 32-bit gap (models from before XGBoost 0.7).
  std::uint64_t objective_length = 0;
  if (!w.Read(&objective_length))
    return truncated;
  if (objective_length >= 0xffffffffULL) {
    std::int32_t gap = 0;
    if (!w.Read(&gap))
      return truncated;
    objective_length >>= 32;
  }
  std::string booster;
  if (!w.Skip(objective_length) || !w.String(&booster))
    return truncated;
  if (booster == "gblinear") {
    if (!w.Skip(kGbLinearParamBytes) || !w.Vector(4))
      return truncated;
  } else if (booster == "gbtree" || booster == "dart") {
    std::int32_t num_trees = 0;
    if (!w.Read(&num_trees) || num_trees < 0 || !w.Skip(kGbTreeParamBytes - 4))
      return truncated;
    for (std::int32_t t = 0; t < num_trees; ++t) {
      std::int32_t head[6] = {};
      if (w.left() < kTreeParamBytes)
        return truncated;
      std::memcpy(head, w.rest().data(), sizeof head);
      w.Skip(kTreeParamBytes);
      const std::int32_t num_nodes = head[1];
      const std::int32_t leaf_vector = head[5];
      if (num_nodes < 1 || leaf_vector != 0 ||
          static_cast<std::uint64_t>(num_nodes) > w.left() / kNodeBytes) {
        return Bad("tree " + std::to_string(t) + " declares " + std::to_string(num_nodes) +
                   " nodes, more than the file holds");
      }
      w.Skip(static_cast<std::uint64_t>(num_nodes) * kNodeBytes);
    }
    if (!w.Skip(static_cast<std::uint64_t>(num_trees) * 4))
      return truncated;
    if (booster == "dart" && num_trees != 0 && !w.Vector(4))
      return truncated;
  } else {
    return Bad("booster \"" + booster.substr(0, 40) + "\" is not gbtree, dart or gblinear");
  }
  if (extra_attrs != 0) {
    std::uint64_t pairs = 0;
    if (!w.Read(&pairs) || pairs > w.left() / 16)
      return truncated;
    std::string key;
    std::string value;
    for (std::uint64_t i = 0; i < pairs; ++i) {
      if (!w.String(&key) || !w.String(&value))
        return truncated;
    }
  }
  return Status::Ok();
}

}  // namespace kiln::serve_internal
