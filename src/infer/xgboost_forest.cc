// CompileXgboostModel: reads libxgboost 1.7's model schema (learner / gradient_booster / model /
// trees) into a ForestSpec. Numbers parse straight to float32 (the document holds float32 values
// printed to round-trip), so thresholds and leaves are bit-identical to the booster's.
#include "infer/xgboost_forest.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "infer/probe_rows.h"
#include "infer/xgboost_objective.h"

namespace kiln {
namespace {

// JSON whose floating-point numbers are float32, parsed with strtof (no double rounding).
using Json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t,
                                  std::uint64_t, float>;

Status Refuse(const std::string& why) {
  return Status::FailedPrecondition("xgboost model cannot be compiled: " + why);
}

Result<const Json*> Member(const Json& object, const char* key, const std::string& path) {
  if (!object.is_object())
    return Refuse(path + " is not an object");
  const auto it = object.find(key);
  if (it == object.end())
    return Refuse(path + "." + key + " is missing");
  return &*it;
}

// A count or index written as a number or as a decimal string ("num_class": "3").
Result<std::int64_t> Integer(const Json& v, const std::string& path) {
  if (v.is_number_integer())
    return v.get<std::int64_t>();
  if (v.is_number_float()) {
    const float f = v.get<float>();
    if (std::isfinite(f) && f == std::floor(f) && std::fabs(f) < 1e9f)
      return static_cast<std::int64_t>(f);
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size())
      return out;
  }
  return Refuse(path + " is not an integer");
}

Result<float> Float(const Json& v, const std::string& path) {
  if (v.is_number())
    return v.get<float>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    float out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size())
      return out;
  }
  return Refuse(path + " is not a number");
}

Result<std::int64_t> IntegerMember(const Json& object, const char* key, const std::string& path,
                                   std::int64_t fallback, bool optional) {
  if (optional && (!object.is_object() || !object.contains(key)))
    return fallback;
  ASSIGN_OR_RETURN(const Json* v, Member(object, key, path));
  return Integer(*v, path + "." + key);
}

Result<const Json*> ArrayMember(const Json& object, const char* key, const std::string& path) {
  ASSIGN_OR_RETURN(const Json* v, Member(object, key, path));
  if (!v->is_array())
    return Refuse(path + "." + key + " is not an array");
  return v;
}

template <typename T>
Status ReadArray(const Json& tree, const char* key, const std::string& path, std::vector<T>* out) {
  ASSIGN_OR_RETURN(const Json* a, ArrayMember(tree, key, path));
  out->clear();
  out->reserve(a->size());
  for (const Json& v : *a) {
    if constexpr (std::is_same_v<T, float>) {
      if (!v.is_number())
        return Refuse(path + "." + key + " holds a value that is not a number");
      out->push_back(v.get<float>());
    } else {
      if (v.is_boolean()) {
        out->push_back(v.get<bool>() ? 1 : 0);
        continue;
      }
      if (!v.is_number_integer())
        return Refuse(path + "." + key + " holds a value that is not an integer");
      const std::int64_t i = v.get<std::int64_t>();
      if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max())
        return Refuse(path + "." + key + " holds " + std::to_string(i) + ", out of range");
      out->push_back(static_cast<T>(i));
    }
  }
  return Status::Ok();
}

// split_conditions: numbers, NaN at categorical splits (UBJSON), which NanAsNull made null (JSON).
Status ReadConditions(const Json& tree, const std::string& path, std::vector<float>* out) {
  ASSIGN_OR_RETURN(const Json* a, ArrayMember(tree, "split_conditions", path));
  out->clear();
  out->reserve(a->size());
  for (const Json& v : *a) {
    if (v.is_null()) {
      out->push_back(std::numeric_limits<float>::quiet_NaN());
    } else if (v.is_number()) {
      out->push_back(v.get<float>());
    } else {
      return Refuse(path + ".split_conditions holds a value that is not a number");
    }
  }
  return Status::Ok();
}

// Categorical splits (split_type 1; the category lists in categories_nodes, _segments, _sizes and
// categories) into out->categories, checked; left empty when the tree has none.
Status ReadCategories(const Json& tree, const std::string& path, SpecTree* out) {
  const std::size_t n = out->left.size();
  std::vector<std::int32_t> types;
  if (tree.contains("split_type"))
    RETURN_IF_ERROR(ReadArray(tree, "split_type", path, &types));
  std::vector<std::int32_t> nodes;
  std::vector<std::int64_t> segments;
  std::vector<std::int64_t> sizes;
  std::vector<std::int32_t> categories;
  if (tree.contains("categories_nodes")) {
    RETURN_IF_ERROR(ReadArray(tree, "categories_nodes", path, &nodes));
    RETURN_IF_ERROR(ReadArray(tree, "categories_segments", path, &segments));
    RETURN_IF_ERROR(ReadArray(tree, "categories_sizes", path, &sizes));
    RETURN_IF_ERROR(ReadArray(tree, "categories", path, &categories));
  }
  const bool any_type = std::any_of(types.begin(), types.end(), [](std::int32_t t) { return t; });
  if (nodes.empty() && !any_type)
    return Status::Ok();
  if (!types.empty() && types.size() != n) {
    return Refuse(path + " has " + std::to_string(types.size()) + " split_type entries for " +
                  std::to_string(n) + " nodes");
  }
  if (segments.size() != nodes.size() || sizes.size() != nodes.size())
    return Refuse(path +
                  ": categories_segments and categories_sizes do not match categories_nodes");
  out->categories.assign(n, {});
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::int32_t node = nodes[i];
    const std::string where = path + ": categorical split at node " + std::to_string(node);
    if (node < 0 || static_cast<std::size_t>(node) >= n || out->left[node] < 0)
      return Refuse(where + " is not an internal node");
    if (!types.empty() && types[node] != 1)
      return Refuse(where + " has split_type " + std::to_string(types[node]));
    if (segments[i] < 0 || sizes[i] < 1 ||
        segments[i] + sizes[i] > static_cast<std::int64_t>(categories.size())) {
      return Refuse(where + " lists categories out of range");
    }
    for (std::int64_t j = segments[i]; j < segments[i] + sizes[i]; ++j) {
      const std::int32_t c = categories[static_cast<std::size_t>(j)];
      if (c < 0 || c >= kMaxCategory)
        return Refuse(where + " lists category " + std::to_string(c));
      out->categories[node].push_back(c);
    }
    out->value[node] = 0;  // the condition of a categorical split is not used
  }
  for (std::size_t node = 0; node < types.size(); ++node) {
    if (types[node] == 1 && out->categories[node].empty()) {
      return Refuse(path + ": categorical split at node " + std::to_string(node) +
                    " lists no categories");
    }
    if (types[node] != 0 && types[node] != 1)
      return Refuse(path + " has split_type " + std::to_string(types[node]));
  }
  return Status::Ok();
}

Status ReadTree(const Json& tree, const std::string& path, SpecTree* out) {
  if (!tree.is_object())
    return Refuse(path + " is not an object");
  ASSIGN_OR_RETURN(const Json* param, Member(tree, "tree_param", path));
  ASSIGN_OR_RETURN(const std::int64_t leaf_vector,
                   IntegerMember(*param, "size_leaf_vector", path + ".tree_param", 0, true));
  if (leaf_vector > 1)
    return Refuse(path + " has vector leaves (size_leaf_vector " + std::to_string(leaf_vector) +
                  ")");
  ASSIGN_OR_RETURN(const std::int64_t num_nodes,
                   IntegerMember(*param, "num_nodes", path + ".tree_param", 0, false));
  RETURN_IF_ERROR(ReadArray(tree, "left_children", path, &out->left));
  RETURN_IF_ERROR(ReadArray(tree, "right_children", path, &out->right));
  RETURN_IF_ERROR(ReadArray(tree, "split_indices", path, &out->feature));
  RETURN_IF_ERROR(ReadConditions(tree, path, &out->value));
  RETURN_IF_ERROR(ReadArray(tree, "default_left", path, &out->default_left));
  if (static_cast<std::int64_t>(out->left.size()) != num_nodes) {
    return Refuse(path + " has " + std::to_string(out->left.size()) +
                  " left_children, its tree_param says " + std::to_string(num_nodes) + " nodes");
  }
  if (out->value.size() != out->left.size())
    return Refuse(path + ": split_conditions and left_children differ in length");
  return ReadCategories(tree, path, out);
}

// `document` with each array element NaN (after '[' or ',', before ',' or ']') spelled null.
std::string NanAsNull(std::string_view document) {
  std::string out;
  out.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    if (document.compare(i, 3, "NaN") == 0 && i > 0 &&
        (document[i - 1] == '[' || document[i - 1] == ',') && i + 3 < document.size() &&
        (document[i + 3] == ',' || document[i + 3] == ']')) {
      out += "null";
      i += 2;
      continue;
    }
    out += document[i];
  }
  return out;
}

}  // namespace

Result<CompiledXgboostModel> CompileXgboostModel(std::string_view document,
                                                 const XgboostCompileOptions& options) {
  std::size_t start = 0;
  while (start < document.size() && std::isspace(static_cast<unsigned char>(document[start])))
    ++start;
  if (start == document.size() || document[start] != '{')
    return Refuse("the document is neither XGBoost's JSON nor its UBJSON model format");
  const bool text = start + 1 < document.size() &&
                    (document[start + 1] == '"' || document[start + 1] == '}' ||
                     std::isspace(static_cast<unsigned char>(document[start + 1])));
  Json doc;
  try {  // nlohmann throws on some malformed UBJSON (sizes) even when asked not to
    doc = text ? Json::parse(document, nullptr, false) : Json::from_ubjson(document, true, false);
  } catch (const std::exception&) {  // nlohmann's errors, or memory for a huge declared size
    doc = Json(Json::value_t::discarded);
  }
  if (doc.is_discarded() && text) {
    // libxgboost writes NaN (not JSON) as the split condition of categorical splits; read it as
    // null (ReadConditions takes null for NaN).
    const std::string cleaned = NanAsNull(document);
    if (cleaned.size() != document.size())
      doc = Json::parse(cleaned, nullptr, false);
  }
  if (doc.is_discarded())
    return Refuse(std::string("the document is not valid ") + (text ? "JSON" : "UBJSON"));

  ASSIGN_OR_RETURN(const Json* learner, Member(doc, "learner", "the document"));
  ASSIGN_OR_RETURN(const Json* mparam, Member(*learner, "learner_model_param", "learner"));
  const std::string mpath = "learner.learner_model_param";
  ASSIGN_OR_RETURN(const Json* base_json, Member(*mparam, "base_score", mpath));
  ASSIGN_OR_RETURN(const float base_score, Float(*base_json, mpath + ".base_score"));
  ASSIGN_OR_RETURN(const std::int64_t num_class,
                   IntegerMember(*mparam, "num_class", mpath, 0, true));
  ASSIGN_OR_RETURN(const std::int64_t num_target,
                   IntegerMember(*mparam, "num_target", mpath, 1, true));
  ASSIGN_OR_RETURN(const std::int64_t num_feature,
                   IntegerMember(*mparam, "num_feature", mpath, 0, false));
  if (num_class < 0 || num_class > 1 << 20 || num_target < 1 || num_target > 1 << 20)
    return Refuse("num_class " + std::to_string(num_class) + ", num_target " +
                  std::to_string(num_target));
  if (num_target > 1) {
    return Refuse("num_target is " + std::to_string(num_target) +
                  " (multi-target models are not compiled)");
  }
  if (num_feature < 1 || num_feature > (1 << 30))
    return Refuse("the model reads " + std::to_string(num_feature) + " features");

  ASSIGN_OR_RETURN(const Json* objective, Member(*learner, "objective", "learner"));
  ASSIGN_OR_RETURN(const Json* objective_name, Member(*objective, "name", "learner.objective"));
  if (!objective_name->is_string())
    return Refuse("learner.objective.name is not a string");
  CompiledXgboostModel out;
  out.objective = objective_name->get<std::string>();

  ASSIGN_OR_RETURN(const Json* booster, Member(*learner, "gradient_booster", "learner"));
  ASSIGN_OR_RETURN(const Json* booster_name, Member(*booster, "name", "learner.gradient_booster"));
  if (!booster_name->is_string())
    return Refuse("learner.gradient_booster.name is not a string");
  out.booster = booster_name->get<std::string>();
  const Json* gbtree = booster;
  std::vector<float> weight_drop;
  std::string gpath = "learner.gradient_booster";
  if (out.booster == "dart") {
    ASSIGN_OR_RETURN(gbtree, Member(*booster, "gbtree", gpath));
    RETURN_IF_ERROR(ReadArray(*booster, "weight_drop", gpath, &weight_drop));
    gpath += ".gbtree";
  } else if (out.booster != "gbtree") {
    return Refuse("booster \"" + out.booster + "\" has no trees to compile");
  }
  ASSIGN_OR_RETURN(const Json* model, Member(*gbtree, "model", gpath));
  gpath += ".model";
  ASSIGN_OR_RETURN(const Json* trees, ArrayMember(*model, "trees", gpath));
  std::vector<std::int64_t> tree_info;
  RETURN_IF_ERROR(ReadArray(*model, "tree_info", gpath, &tree_info));
  if (tree_info.size() != trees->size()) {
    return Refuse(gpath + " has " + std::to_string(trees->size()) + " trees and " +
                  std::to_string(tree_info.size()) + " tree_info entries");
  }
  if (out.booster == "dart" && weight_drop.size() != trees->size()) {
    return Refuse("dart has " + std::to_string(trees->size()) + " trees and " +
                  std::to_string(weight_drop.size()) + " weight_drop entries");
  }
  std::int64_t parallel = 1;
  if (model->contains("gbtree_model_param")) {
    const Json& param = (*model)["gbtree_model_param"];
    const std::string ppath = gpath + ".gbtree_model_param";
    ASSIGN_OR_RETURN(const std::int64_t num_trees,
                     IntegerMember(param, "num_trees", ppath, 0, false));
    if (num_trees != static_cast<std::int64_t>(trees->size())) {
      return Refuse(gpath + " holds " + std::to_string(trees->size()) +
                    " trees, its gbtree_model_param says " + std::to_string(num_trees));
    }
    ASSIGN_OR_RETURN(parallel, IntegerMember(param, "num_parallel_tree", ppath, 1, true));
    if (parallel < 1 || parallel > (1 << 20))
      return Refuse(ppath + ".num_parallel_tree is " + std::to_string(parallel));
  }
  // Trees of the requested boosting rounds (XGBoost's iteration range: a round is
  // num_parallel_tree trees per output group).
  const std::int64_t per_round = parallel * std::max<std::int64_t>(num_class, 1);
  const std::int64_t rounds = static_cast<std::int64_t>(trees->size()) / per_round;
  std::int64_t first_round = options.iteration_begin;
  std::int64_t end_round = options.iteration_end == 0 ? rounds : options.iteration_end;
  if (first_round < 0 || end_round < first_round || end_round > rounds) {
    return Refuse("iteration range [" + std::to_string(options.iteration_begin) + ", " +
                  std::to_string(options.iteration_end) + ") is not within the model's " +
                  std::to_string(rounds) + " rounds");
  }
  const std::size_t tree_begin =
      options.iteration_begin == 0 && options.iteration_end == 0 ? 0 : first_round * per_round;
  const std::size_t tree_end = options.iteration_begin == 0 && options.iteration_end == 0
                                   ? trees->size()
                                   : static_cast<std::size_t>(end_round * per_round);

  ASSIGN_OR_RETURN(const ObjectiveLink link,
                   XgboostObjectiveLink(out.objective, base_score, static_cast<int>(num_class)));
  ForestSpec spec;
  spec.num_features = static_cast<std::size_t>(num_feature);
  spec.num_groups = static_cast<int>(std::max<std::int64_t>(num_class, 1));
  spec.base_margin = link.base_margin;
  spec.output = link.output;
  spec.trees.resize(tree_end - tree_begin);
  for (std::size_t i = tree_begin; i < tree_end; ++i) {
    const std::string path = gpath + ".trees[" + std::to_string(i) + "]";
    SpecTree& t = spec.trees[i - tree_begin];
    RETURN_IF_ERROR(ReadTree((*trees)[i], path, &t));
    if (tree_info[i] < 0 || tree_info[i] >= spec.num_groups) {
      return Refuse("tree_info[" + std::to_string(i) + "] is " + std::to_string(tree_info[i]) +
                    ", the model has " + std::to_string(spec.num_groups) + " outputs");
    }
    t.group = static_cast<int>(tree_info[i]);
    if (!weight_drop.empty()) {
      // libxgboost's dart adds each tree's prediction times its weight: the same float product.
      for (std::size_t n = 0; n < t.value.size(); ++n) {
        if (t.left[n] == -1)
          t.value[n] *= weight_drop[i];
      }
    }
  }
  Result<CompiledForest> forest = CompiledForest::Compile(spec);
  if (!forest.ok())
    return Refuse(forest.error().message());
  out.probe_rows = ProbeRows(spec, kProbeRows, 1);
  out.forest = std::move(forest).value();
  return out;
}

}  // namespace kiln
