// FeaturePipeline::Save / Load: the fitted pipeline as JSON. The only file of the module that
// includes nlohmann/json.hpp. Layout (version 1):
//   {"format": "kiln.feature_pipeline", "version": 1,
//    "spec": {every PipelineSpec field; enums as "tree"/"linear", "none"/"standard"/"robust"},
//    "input_schema": [{"name": "age", "type": "numeric"}, ...],
//    "dropped": [{"name": "encounter_id", "reason": "ID column (unique per row)"}, ...],
//    "columns": [{"input": <index into input_schema>, "encoder": <kind>, ...fitted state}, ...]}
// with one "columns" entry per used input column (two for key-like columns of tree pipelines: the
// encoder, then its count), in output order; its kind is one of
//   numeric  : linear, emit_value, indicator, fill, center, scale
//   ordinal  : levels
//   onehot   : levels, rare, missing
//   target   : levels (or keys, for number-like columns), outputs, labels, encoding
//              ((levels + 1) x outputs, last row = missing), prior, linear, center[], scale[]
//   datetime : parts, linear, indicator, fill[], center[], scale[]
//   text     : dims, idf, linear, count_center, count_scale
//   count    : levels (or keys), counts (training rows per level); a second entry for its input,
//              after that input's main encoder
// Output names are derived from the encoders on Load, so they cannot disagree with them.
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"

namespace kiln {

using nlohmann::json;
using namespace features_internal;  // NOLINT(build/namespaces): this file serializes them all

namespace {

constexpr const char* kFormat = "kiln.feature_pipeline";
constexpr int kVersion = 1;

const char* EncodingName(FeatureEncoding e) {
  return e == FeatureEncoding::kLinear ? "linear" : "tree";
}

const char* ScalingName(Scaling s) {
  switch (s) {
    case Scaling::kNone:
      return "none";
    case Scaling::kStandard:
      return "standard";
    case Scaling::kRobust:
      return "robust";
  }
  return "unknown";
}

json SaveSpec(const PipelineSpec& s) {
  return json{{"encoding", EncodingName(s.encoding)},
              {"scaling", ScalingName(s.scaling)},
              {"min_level_count", s.min_level_count},
              {"max_onehot_levels", s.max_onehot_levels},
              {"max_native_levels", s.max_native_levels},
              {"missing_indicators", s.missing_indicators},
              {"text_hash_dims", s.text_hash_dims},
              {"target_smoothing", s.target_smoothing},
              {"target_encoding_folds", s.target_encoding_folds},
              {"linear_clip", s.linear_clip},
              {"class_names", s.class_names}};
}

json Centers(const std::vector<Affine>& affines) {
  json out = json::array();
  for (const Affine& a : affines)
    out.push_back(a.center);
  return out;
}

json Scales(const std::vector<Affine>& affines) {
  json out = json::array();
  for (const Affine& a : affines)
    out.push_back(a.scale);
  return out;
}

// Target and count encoders: the levels, or for number-like columns the keys, they map.
template <typename E>
void SaveLevelsOrKeys(const E& e, json* out) {
  if (e.numeric_keys) {
    (*out)["keys"] = e.keys;
  } else {
    (*out)["levels"] = e.levels;
  }
}

json SaveEncoder(const NumericEncoder& e) {
  return json{{"encoder", "numeric"},     {"linear", e.linear}, {"emit_value", e.emit_value},
              {"indicator", e.indicator}, {"fill", e.fill},     {"center", e.affine.center},
              {"scale", e.affine.scale}};
}

json SaveEncoder(const OrdinalEncoder& e) {
  return json{{"encoder", "ordinal"}, {"levels", e.levels}};
}

json SaveEncoder(const OneHotEncoder& e) {
  return json{
      {"encoder", "onehot"}, {"levels", e.levels}, {"rare", e.rare}, {"missing", e.missing}};
}

json SaveEncoder(const TargetEncoder& e) {
  json out{{"encoder", "target"},         {"outputs", e.num_outputs}, {"labels", e.output_labels},
           {"encoding", e.encoding},      {"prior", e.prior},         {"linear", e.linear},
           {"center", Centers(e.affine)}, {"scale", Scales(e.affine)}};
  SaveLevelsOrKeys(e, &out);
  return out;
}

json SaveEncoder(const CountEncoder& e) {
  json out{{"encoder", "count"}, {"counts", e.counts}};
  SaveLevelsOrKeys(e, &out);
  return out;
}

json SaveEncoder(const DatetimeEncoder& e) {
  json parts = json::array();
  for (DatePart p : e.parts)
    parts.push_back(DatePartName(p));
  return json{{"encoder", "datetime"},    {"parts", parts}, {"linear", e.linear},
              {"indicator", e.indicator}, {"fill", e.fill}, {"center", Centers(e.affine)},
              {"scale", Scales(e.affine)}};
}

json SaveEncoder(const TextEncoder& e) {
  return json{{"encoder", "text"},
              {"dims", e.dims},
              {"idf", e.idf},
              {"linear", e.linear},
              {"count_center", e.count_affine.center},
              {"count_scale", e.count_affine.scale}};
}

// ---- Load: every malformed input is a Status, never a crash later in Transform. ----

Status Bad(const std::string& where, const std::string& what) {
  return Status::Corruption("feature pipeline: " + where + ": " + what);
}

// The field `key` of object `j` converted to T; json exceptions are caught by Load.
template <typename T>
T Get(const json& j, const char* key) {
  return j.at(key).get<T>();
}

Status CheckFinite(const std::string& where, const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v))
      return Bad(where, "holds a value that is not a finite number");
  }
  return Status::Ok();
}

Result<Affine> LoadAffine(double center, double scale, const std::string& where) {
  if (!std::isfinite(center) || !std::isfinite(scale) || scale == 0) {
    return Bad(where, "scaling must be finite with a non-zero scale");
  }
  return Affine{center, scale};
}

// The "center" and "scale" arrays of `j`, which must hold `n` entries each.
Result<std::vector<Affine>> LoadAffines(const json& j, const std::string& where, std::size_t n) {
  auto centers = Get<std::vector<double>>(j, "center");
  auto scales = Get<std::vector<double>>(j, "scale");
  if (centers.size() != n || scales.size() != n) {
    return Bad(where, "expected " + std::to_string(n) + " scaling entries");
  }
  std::vector<Affine> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(out[i], LoadAffine(centers[i], scales[i], where));
  }
  return out;
}

Result<PipelineSpec> LoadSpec(const json& j) {
  PipelineSpec s;
  auto encoding = Get<std::string>(j, "encoding");
  if (encoding == "tree") {
    s.encoding = FeatureEncoding::kTree;
  } else if (encoding == "linear") {
    s.encoding = FeatureEncoding::kLinear;
  } else {
    return Bad("spec", "unknown encoding \"" + encoding + "\"");
  }
  auto scaling = Get<std::string>(j, "scaling");
  if (scaling == "none") {
    s.scaling = Scaling::kNone;
  } else if (scaling == "standard") {
    s.scaling = Scaling::kStandard;
  } else if (scaling == "robust") {
    s.scaling = Scaling::kRobust;
  } else {
    return Bad("spec", "unknown scaling \"" + scaling + "\"");
  }
  s.min_level_count = Get<int>(j, "min_level_count");
  s.max_onehot_levels = Get<int>(j, "max_onehot_levels");
  s.max_native_levels = Get<int>(j, "max_native_levels");
  s.missing_indicators = Get<bool>(j, "missing_indicators");
  s.text_hash_dims = Get<int>(j, "text_hash_dims");
  s.target_smoothing = Get<double>(j, "target_smoothing");
  s.target_encoding_folds = Get<int>(j, "target_encoding_folds");
  s.linear_clip = Get<double>(j, "linear_clip");
  s.class_names = Get<std::vector<std::string>>(j, "class_names");
  Status valid = s.Validate();
  if (!valid.ok())
    return Bad("spec", valid.message());
  return s;
}

template <typename E, typename Require>
Status LoadLevelsOrKeys(const json& j, const std::string& where, bool number_like, bool coded,
                        const Require& require, E* e) {
  e->numeric_keys = j.contains("keys");
  RETURN_IF_ERROR(require(e->numeric_keys ? number_like : coded));
  if (e->numeric_keys) {
    e->keys = Get<std::vector<double>>(j, "keys");
    return CheckFinite(where, e->keys);
  }
  e->levels = Get<std::vector<std::string>>(j, "levels");
  return Status::Ok();
}

Result<Encoder> LoadEncoder(const json& j, ColumnType type, const std::string& where) {
  auto kind = Get<std::string>(j, "encoder");
  const bool number_like = IsNumberLike(type) && type != ColumnType::kDatetime;
  const bool coded = !IsNumberLike(type);
  auto require = [&](bool ok) {
    return ok ? Status::Ok()
              : Bad(where,
                    "encoder \"" + kind + "\" does not fit a " + ColumnTypeName(type) + " column");
  };
  if (kind == "numeric") {
    RETURN_IF_ERROR(require(number_like));
    NumericEncoder e;
    e.linear = Get<bool>(j, "linear");
    e.emit_value = Get<bool>(j, "emit_value");
    e.indicator = Get<bool>(j, "indicator");
    e.fill = Get<double>(j, "fill");
    ASSIGN_OR_RETURN(e.affine,
                     LoadAffine(Get<double>(j, "center"), Get<double>(j, "scale"), where));
    RETURN_IF_ERROR(CheckFinite(where, {e.fill}));
    return Encoder(std::move(e));
  }
  if (kind == "ordinal") {
    RETURN_IF_ERROR(require(coded));
    OrdinalEncoder e;
    e.levels = Get<std::vector<std::string>>(j, "levels");
    e.BuildIndex();
    return Encoder(std::move(e));
  }
  if (kind == "onehot") {
    RETURN_IF_ERROR(require(coded));
    OneHotEncoder e;
    e.levels = Get<std::vector<std::string>>(j, "levels");
    e.rare = Get<bool>(j, "rare");
    e.missing = Get<bool>(j, "missing");
    e.BuildIndex();
    return Encoder(std::move(e));
  }
  if (kind == "target") {
    TargetEncoder e;
    RETURN_IF_ERROR(LoadLevelsOrKeys(j, where, number_like, coded, require, &e));
    e.num_outputs = Get<int>(j, "outputs");
    if (e.num_outputs < 1 || e.num_outputs > 100000)
      return Bad(where, "bad output count");
    const auto k = static_cast<std::size_t>(e.num_outputs);
    e.output_labels = Get<std::vector<std::string>>(j, "labels");
    if (!e.output_labels.empty() && e.output_labels.size() != k) {
      return Bad(where, "expected " + std::to_string(k) + " labels");
    }
    e.encoding = Get<std::vector<double>>(j, "encoding");
    e.prior = Get<std::vector<double>>(j, "prior");
    if (e.encoding.size() != (e.num_levels() + 1) * k || e.prior.size() != k) {
      return Bad(where, "encoding table does not match its levels and outputs");
    }
    RETURN_IF_ERROR(CheckFinite(where, e.encoding));
    RETURN_IF_ERROR(CheckFinite(where, e.prior));
    e.linear = Get<bool>(j, "linear");
    ASSIGN_OR_RETURN(e.affine, LoadAffines(j, where, e.linear ? k : 0));
    e.BuildIndex();
    return Encoder(std::move(e));
  }
  if (kind == "count") {
    CountEncoder e;
    RETURN_IF_ERROR(LoadLevelsOrKeys(j, where, number_like, coded, require, &e));
    e.counts = Get<std::vector<double>>(j, "counts");
    if (e.counts.size() != e.num_levels())
      return Bad(where, "counts do not match the levels");
    RETURN_IF_ERROR(CheckFinite(where, e.counts));
    e.BuildIndex();
    return Encoder(std::move(e));
  }
  if (kind == "datetime") {
    RETURN_IF_ERROR(require(type == ColumnType::kDatetime));
    DatetimeEncoder e;
    for (const auto& name : Get<std::vector<std::string>>(j, "parts")) {
      int p = 0;
      while (p < kNumDateParts && name != DatePartName(static_cast<DatePart>(p)))
        ++p;
      if (p == kNumDateParts)
        return Bad(where, "unknown date part \"" + name + "\"");
      e.parts.push_back(static_cast<DatePart>(p));
    }
    e.linear = Get<bool>(j, "linear");
    e.indicator = Get<bool>(j, "indicator");
    e.fill = Get<std::vector<double>>(j, "fill");
    const std::size_t n = e.linear ? e.parts.size() : 0;
    if (e.fill.size() != n)
      return Bad(where, "expected " + std::to_string(n) + " fill values");
    RETURN_IF_ERROR(CheckFinite(where, e.fill));
    ASSIGN_OR_RETURN(e.affine, LoadAffines(j, where, n));
    return Encoder(std::move(e));
  }
  if (kind == "text") {
    RETURN_IF_ERROR(require(coded));
    TextEncoder e;
    e.dims = Get<int>(j, "dims");
    e.idf = Get<std::vector<double>>(j, "idf");
    if (e.dims < 1 || e.dims > (1 << 20) || e.idf.size() != static_cast<std::size_t>(e.dims)) {
      return Bad(where, "idf does not match dims");
    }
    RETURN_IF_ERROR(CheckFinite(where, e.idf));
    e.linear = Get<bool>(j, "linear");
    ASSIGN_OR_RETURN(e.count_affine, LoadAffine(Get<double>(j, "count_center"),
                                                Get<double>(j, "count_scale"), where));
    return Encoder(std::move(e));
  }
  return Bad(where, "unknown encoder \"" + kind + "\"");
}

}  // namespace

void FeaturePipeline::Save(nlohmann::json* out) const {
  json schema = json::array();
  for (const ColumnSchema& c : input_schema_) {
    schema.push_back({{"name", c.name}, {"type", ColumnTypeName(c.type)}});
  }
  json dropped = json::array();
  for (const DroppedFeature& d : dropped_)
    dropped.push_back({{"name", d.name}, {"reason", d.reason}});
  json columns = json::array();
  if (fitted_) {
    for (const ColumnEncoder& ce : fitted_->columns) {
      json c = std::visit([](const auto& e) { return SaveEncoder(e); }, ce.encoder);
      c["input"] = ce.input;
      columns.push_back(std::move(c));
    }
  }
  *out = json{{"format", kFormat},      {"version", kVersion}, {"spec", SaveSpec(spec_)},
              {"input_schema", schema}, {"dropped", dropped},  {"columns", columns}};
}

Result<FeaturePipeline> FeaturePipeline::Load(const nlohmann::json& in) {
  try {
    if (!in.is_object() || !in.contains("format") || in.at("format") != kFormat) {
      return Status::Corruption("feature pipeline: not a \"" + std::string(kFormat) + "\" object");
    }
    int version = Get<int>(in, "version");
    if (version != kVersion) {
      return Status::InvalidArgument("feature pipeline: format version " + std::to_string(version) +
                                     " is not supported (this build reads version " +
                                     std::to_string(kVersion) + ")");
    }
    FeaturePipeline p;
    ASSIGN_OR_RETURN(p.spec_, LoadSpec(in.at("spec")));
    for (const json& c : in.at("input_schema")) {
      auto type = ParseColumnType(Get<std::string>(c, "type"));
      if (!type)
        return Bad("input_schema", type.error().message());
      p.input_schema_.push_back({Get<std::string>(c, "name"), *type});
    }
    for (const json& d : in.at("dropped")) {
      p.dropped_.push_back({Get<std::string>(d, "name"), Get<std::string>(d, "reason")});
    }
    auto fitted = std::make_shared<FittedColumns>();
    const json& columns = in.at("columns");
    if (!columns.is_array() || columns.empty())
      return Bad("columns", "no encoders");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const json& c = columns[i];
      std::string where = "columns[" + std::to_string(i) + "]";
      int input = Get<int>(c, "input");
      if (input < 0 || static_cast<std::size_t>(input) >= p.input_schema_.size()) {
        return Bad(where, "input " + std::to_string(input) + " is not in input_schema");
      }
      ASSIGN_OR_RETURN(Encoder e, LoadEncoder(c, p.input_schema_[input].type, where));
      fitted->columns.push_back({input, 0, std::move(e)});
    }
    p.Install(std::move(fitted));
    return p;
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("feature pipeline: malformed JSON: ") + e.what());
  } catch (const std::exception& e) {  // e.g. bad_alloc from absurd sizes
    return Status::Corruption(std::string("feature pipeline: cannot load: ") + e.what());
  }
}

}  // namespace kiln
