#include "features/feature_pipeline.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

#include "common/number_format.h"
#include "features/internal/column_encoder.h"

namespace kiln {

using features_internal::ApplyContext;
using features_internal::CategoricalView;
using features_internal::ColumnEncoder;
using features_internal::Encoder;
using features_internal::FittedColumns;
using features_internal::IsMissingValue;
using features_internal::OutputList;
using features_internal::TargetContext;
using features_internal::TargetEncoder;

namespace {

// Whole numbers as integers ("1000000000", not "1e+09"), others in shortest round-trip form.
std::string FormatNumber(double v) {
  if (std::isnan(v))
    return "nan";
  if (v == std::floor(v) && std::abs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  return FormatShortest(v);
}

Status CheckRange(const char* field, double value, double lo, double hi) {
  if (std::isfinite(value) && value >= lo && value <= hi)
    return Status::Ok();
  return Status::InvalidArgument(std::string(field) + " must be between " + FormatNumber(lo) +
                                 " and " + FormatNumber(hi) + ", got " + FormatNumber(value));
}

}  // namespace

Status PipelineSpec::Validate() const {
  if (encoding != FeatureEncoding::kTree && encoding != FeatureEncoding::kLinear) {
    return Status::InvalidArgument("encoding must be tree or linear");
  }
  if (scaling != Scaling::kNone && scaling != Scaling::kStandard && scaling != Scaling::kRobust) {
    return Status::InvalidArgument("scaling must be none, standard or robust");
  }
  RETURN_IF_ERROR(CheckRange("min_level_count", min_level_count, 1, 1e9));
  RETURN_IF_ERROR(CheckRange("max_onehot_levels", max_onehot_levels, 1, 10000));
  // Native category codes travel as floats to XGBoost; keep them small and exact.
  RETURN_IF_ERROR(CheckRange("max_native_levels", max_native_levels, 1, 65536));
  RETURN_IF_ERROR(CheckRange("text_hash_dims", text_hash_dims, 1, 1 << 20));
  RETURN_IF_ERROR(CheckRange("target_smoothing", target_smoothing, 0, 1e9));
  RETURN_IF_ERROR(CheckRange("target_encoding_folds", target_encoding_folds, 2, 100));
  RETURN_IF_ERROR(CheckRange("linear_clip", linear_clip, 0, 1e30));
  std::unordered_set<std::string> seen;
  for (const std::string& name : class_names) {
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("class_names lists \"" + name + "\" twice");
    }
  }
  return Status::Ok();
}

namespace {

// Storage families: a column read with one type of a family can be encoded as another of it.
int TypeFamily(ColumnType t) {
  switch (t) {
    case ColumnType::kNumeric:
    case ColumnType::kInteger:
    case ColumnType::kBoolean:
      return 0;
    case ColumnType::kDatetime:
      return 1;
    case ColumnType::kCategorical:
    case ColumnType::kText:
      return 2;
  }
  return -1;
}

Status CheckStorage(const Column& c, std::size_t rows) {
  if (IsNumberLike(c.type)) {
    if (c.values.size() == rows)
      return Status::Ok();
    return Status::InvalidArgument("column \"" + c.name + "\" (" + ColumnTypeName(c.type) +
                                   ") has " + std::to_string(c.values.size()) + " values for " +
                                   std::to_string(rows) + " rows");
  }
  if (c.codes.size() == rows)
    return Status::Ok();
  return Status::InvalidArgument("column \"" + c.name + "\" (" + ColumnTypeName(c.type) + ") has " +
                                 std::to_string(c.codes.size()) + " codes for " +
                                 std::to_string(rows) + " rows");
}

Status MissingColumn(const std::string& name, const Table& table) {
  std::string where = table.source.empty() ? "" : " in " + table.source;
  return Status::InvalidArgument("missing feature column \"" + name + "\"" + where);
}

Status CheckTarget(Task task, int num_classes, std::span<const float> y, std::size_t rows,
                   const PipelineSpec& spec) {
  if (task == Task::kMulticlass && num_classes < 2) {
    return Status::InvalidArgument("multiclass needs num_classes >= 2, got " +
                                   std::to_string(num_classes));
  }
  if (task == Task::kMulticlass && !spec.class_names.empty() &&
      spec.class_names.size() != static_cast<std::size_t>(num_classes)) {
    return Status::InvalidArgument("class_names has " + std::to_string(spec.class_names.size()) +
                                   " labels for " + std::to_string(num_classes) + " classes");
  }
  if (y.empty())
    return Status::Ok();
  if (y.size() != rows) {
    return Status::InvalidArgument("target has " + std::to_string(y.size()) + " values for " +
                                   std::to_string(rows) + " rows");
  }
  const int classes = task == Task::kBinary ? 2 : num_classes;
  for (std::size_t r = 0; r < y.size(); ++r) {
    float v = y[r];
    bool ok = task == Task::kRegression
                  ? std::isfinite(v)
                  : (v >= 0 && v < static_cast<float>(classes) && v == std::floor(v));
    if (!ok) {
      std::string expected = task == Task::kRegression
                                 ? "a finite number"
                                 : "a class index 0.." + std::to_string(classes - 1);
      return Status::InvalidArgument("target row " + std::to_string(r) + ": " + std::to_string(v) +
                                     " is not " + expected);
    }
  }
  return Status::Ok();
}

// The target for supervised encoders; folds are assigned on first use.
class TargetSource {
 public:
  TargetSource(Task task, int num_classes, std::span<const float> y, std::uint64_t seed,
               const PipelineSpec& spec)
      : seed_(seed) {
    ctx_.task = task;
    ctx_.num_outputs = NumOutputs(task, num_classes);
    ctx_.y = y;
    ctx_.num_folds = spec.target_encoding_folds;
    if (task == Task::kMulticlass) {
      for (int c = 0; c < num_classes; ++c) {
        ctx_.output_labels.push_back(spec.class_names.empty() ? std::to_string(c)
                                                              : spec.class_names[c]);
      }
    }
  }

  Result<const TargetContext*> Get(const std::string& column) {
    if (ctx_.y.empty()) {
      return Status::InvalidArgument("column \"" + column +
                                     "\" needs target encoding but no target was given");
    }
    if (folds_.empty()) {
      folds_ = features_internal::AssignFolds(ctx_.y.size(), ctx_.num_folds, seed_);
      ctx_.folds = &folds_;
    }
    return &ctx_;
  }

 private:
  std::uint64_t seed_;
  TargetContext ctx_;
  std::vector<int> folds_;
};

// What Fit does with one column: an encoder (with out-of-fold training encodings for target
// encoders) or a reason to drop it.
struct Choice {
  std::optional<Encoder> encoder;
  std::vector<double> oof;
  std::string drop_reason;
  // Trees, key-like columns: a count encoder beside `encoder`, with the training rows' counts.
  std::optional<Encoder> count;
  std::vector<double> count_train;
};

// Adds the group-size column of a key-like column to a tree encoding's choice.
Choice WithCount(Choice c, const CategoricalView& view) {
  c.count = features_internal::FitCount(view, &c.count_train);
  return c;
}

Choice Drop(std::string reason) {
  Choice c;
  c.drop_reason = std::move(reason);
  return c;
}

Result<Choice> Target(const CategoricalView& view, const Column& column, TargetSource* target,
                      bool linear, const PipelineSpec& spec) {
  ASSIGN_OR_RETURN(const TargetContext* ctx, target->Get(column.name));
  Choice c;
  c.encoder = features_internal::FitTarget(view, *ctx, linear, spec, &c.oof);
  return c;
}

Result<Choice> ChooseEncoder(const Column& column, std::size_t rows, const PipelineSpec& spec,
                             TargetSource* target) {
  const bool linear = spec.encoding == FeatureEncoding::kLinear;
  // Missingness alone informs trees (NaN) and linear models with indicators.
  const bool missing_informs = !linear || spec.missing_indicators;
  if (column.is_id)
    return Drop("ID column (unique per row)");

  if (IsNumberLike(column.type)) {
    std::size_t present = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (double v : column.values) {
      if (IsMissingValue(v))
        continue;
      ++present;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (present == 0)
      return Drop("all values missing");
    const bool varies = lo != hi;
    if (column.type == ColumnType::kDatetime) {
      if (!varies)
        return Drop("constant");
      Choice c;
      c.encoder = features_internal::FitDatetime(column.values, linear, spec);
      return c;
    }
    if (!varies && !(present < rows && missing_informs))
      return Drop("constant");
    const bool integral = column.type != ColumnType::kNumeric;
    if (column.likely_id && (linear || !integral)) {
      CategoricalView keys = features_internal::MakeNumericKeyView(column, rows);
      ASSIGN_OR_RETURN(Choice c, Target(keys, column, target, linear, spec));
      return linear ? c : WithCount(std::move(c), keys);
    }
    Choice c;
    c.encoder = features_internal::FitNumeric(column.values, linear, spec);
    if (column.likely_id && !linear)
      return WithCount(std::move(c), features_internal::MakeNumericKeyView(column, rows));
    return c;
  }

  CategoricalView view = features_internal::MakeCategoricalView(column, rows);
  if (view.size() == 0)
    return Drop("all values missing");
  if (column.type == ColumnType::kText) {
    if (view.size() < 2)
      return Drop("constant");
    Choice c;
    c.encoder = features_internal::FitText(column, rows, linear, spec);
    return c;
  }
  if (view.size() < 2 && !(view.missing > 0 && missing_informs))
    return Drop("constant");
  if (column.likely_id ||
      (!linear && view.size() > static_cast<std::size_t>(spec.max_native_levels))) {
    ASSIGN_OR_RETURN(Choice c, Target(view, column, target, linear, spec));
    return linear ? c : WithCount(std::move(c), view);
  }
  Choice c;
  if (!linear) {
    c.encoder = features_internal::FitOrdinal(view);
    return c;
  }
  // Target encoding when one-hot would be too wide, or would lose most rows in "rare".
  std::vector<int> kept = features_internal::KeptLevels(view, spec.min_level_count);
  std::size_t kept_rows = 0;
  for (int i : kept)
    kept_rows += view.counts[i];
  const std::size_t present = rows - view.missing;
  if (kept.size() > static_cast<std::size_t>(spec.max_onehot_levels) ||
      (view.size() >= 2 && 2 * kept_rows < present)) {
    return Target(view, column, target, linear, spec);
  }
  c.encoder = features_internal::FitOneHot(view, spec);
  return c;
}

}  // namespace

void FeaturePipeline::Install(std::shared_ptr<FittedColumns> fitted) {
  OutputList outputs;
  output_source_.clear();
  for (ColumnEncoder& ce : fitted->columns) {
    ce.first_output = outputs.names.size();
    const std::string& name = input_schema_[ce.input].name;
    std::visit([&](const auto& e) { e.AppendOutputs(name, &outputs); }, ce.encoder);
    output_source_.resize(outputs.names.size(), ce.input);
  }
  output_names_ = std::move(outputs.names);
  output_categorical_ = std::move(outputs.categorical);
  fitted_ = std::move(fitted);
}

Result<FeaturePipeline> FeaturePipeline::Fit(const Table& table,
                                             const std::vector<std::string>& features,
                                             const PipelineSpec& spec, Task task, int num_classes,
                                             std::span<const float> y, std::uint64_t seed,
                                             Matrix* train_out) {
  RETURN_IF_ERROR(spec.Validate().WithContext("feature pipeline"));
  const std::size_t rows = table.num_rows;
  RETURN_IF_ERROR(CheckTarget(task, num_classes, y, rows, spec));

  FeaturePipeline p;
  p.spec_ = spec;
  auto fitted = std::make_shared<FittedColumns>();
  TargetSource target(task, num_classes, y, seed, spec);
  std::vector<std::pair<std::size_t, std::vector<double>>> oof;     // (encoder, training encodings)
  std::vector<std::pair<std::size_t, std::vector<double>>> counts;  // (encoder, training counts)
  std::unordered_set<std::string> seen;
  for (const std::string& name : features) {
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("feature column \"" + name + "\" is listed twice");
    }
    int index = table.Find(name);
    if (index < 0)
      return MissingColumn(name, table);
    const Column& column = table.columns[index];
    RETURN_IF_ERROR(CheckStorage(column, rows));
    ASSIGN_OR_RETURN(Choice choice, ChooseEncoder(column, rows, spec, &target));
    if (!choice.encoder) {
      p.dropped_.push_back({name, std::move(choice.drop_reason)});
      continue;
    }
    if (std::holds_alternative<TargetEncoder>(*choice.encoder)) {
      oof.emplace_back(fitted->columns.size(), std::move(choice.oof));
    }
    const int input = static_cast<int>(p.input_schema_.size());
    fitted->columns.push_back({input, 0, std::move(*choice.encoder)});
    if (choice.count) {
      counts.emplace_back(fitted->columns.size(), std::move(choice.count_train));
      fitted->columns.push_back({input, 0, std::move(*choice.count)});
    }
    p.input_schema_.push_back({name, column.type});
  }
  if (fitted->columns.empty()) {
    std::string why;
    for (const DroppedFeature& d : p.dropped_) {
      why += (why.empty() ? "" : ", ") + ("\"" + d.name + "\": " + d.reason);
    }
    return Status::InvalidArgument("no usable feature columns" +
                                   (why.empty() ? std::string() : " (" + why + ")"));
  }
  p.Install(std::move(fitted));

  if (train_out != nullptr) {
    ASSIGN_OR_RETURN(*train_out, p.Transform(table));
    ApplyContext ctx{train_out, spec.linear_clip};
    for (const auto& [i, values] : oof) {
      const ColumnEncoder& ce = p.fitted_->columns[i];
      std::get<TargetEncoder>(ce.encoder).Write(values, ctx, ce.first_output);
    }
    // Training rows are in training already: their own group size, not one more (Apply's +1).
    for (const auto& [i, values] : counts) {
      const std::size_t col = p.fitted_->columns[i].first_output;
      for (std::size_t r = 0; r < rows; ++r)
        ctx.Put(r, col, static_cast<float>(values[r]));
    }
  }
  return p;
}

Result<Matrix> FeaturePipeline::Transform(const Table& table) const {
  if (!fitted_)
    return Status::FailedPrecondition("feature pipeline is not fitted");
  std::unordered_map<std::string, int> by_name;
  by_name.reserve(table.columns.size());
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    by_name.emplace(table.columns[i].name, static_cast<int>(i));
  }
  std::vector<const Column*> inputs;
  inputs.reserve(input_schema_.size());
  for (const ColumnSchema& schema : input_schema_) {
    auto it = by_name.find(schema.name);
    if (it == by_name.end())
      return MissingColumn(schema.name, table);
    const Column& column = table.columns[it->second];
    if (TypeFamily(column.type) != TypeFamily(schema.type)) {
      return Status::InvalidArgument(
          "column \"" + schema.name + "\" is " + ColumnTypeName(column.type) +
          " but the model was trained on " + ColumnTypeName(schema.type) +
          "; read the data with the model's input schema");
    }
    RETURN_IF_ERROR(CheckStorage(column, table.num_rows));
    inputs.push_back(&column);
  }
  Matrix out(table.num_rows, output_names_.size());
  ApplyContext ctx{&out, spec_.linear_clip};
  for (const ColumnEncoder& ce : fitted_->columns) {
    std::visit([&](const auto& e) { e.Apply(*inputs[ce.input], ctx, ce.first_output); },
               ce.encoder);
  }
  return out;
}

}  // namespace kiln
