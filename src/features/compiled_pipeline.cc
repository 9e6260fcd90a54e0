// CompiledPipeline: compiling the fitted column encoders into per-row operations, and running
// them; see the header.
#include "features/compiled_pipeline.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <variant>

#include "features/internal/column_encoder.h"
#include "features/internal/level_table.h"
#include "features/internal/value_encoding.h"

namespace kiln {

using features_internal::CountEncoder;
using features_internal::DatetimeEncoder;
using features_internal::Encoder;
using features_internal::FittedColumns;
using features_internal::IsMissingValue;
using features_internal::LevelTable;
using features_internal::NumericEncoder;
using features_internal::OneHotEncoder;
using features_internal::OrdinalEncoder;
using features_internal::TargetEncoder;
using features_internal::TextEncoder;
using features_internal::ToFloat;

namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
// Distinct buckets of one text value tracked on the stack; a value with more is normalized by a
// scan of all buckets instead (same order, same result).
constexpr std::size_t kMaxTouchedBuckets = 512;

enum class OpKind { kNumeric, kOrdinal, kOneHot, kTarget, kDatetime, kText, kCount };

// One fitted column encoder, compiled: its kind, where it reads and writes, and (for string
// levels) its lookup table. `encoder` points into the Impl's shared FittedColumns.
struct Op {
  OpKind kind = OpKind::kNumeric;
  std::uint32_t input = 0;  // index into the pipeline's input_schema()
  std::uint32_t slot = 0;   // index into Transform's numbers or texts
  std::uint32_t first = 0;  // first output column
  const Encoder* encoder = nullptr;
  LevelTable levels;  // ordinal, one-hot, string-keyed target and count encodings
};

// The text encoder for one value: hashed TF-IDF weights (out[0, dims), zeros on entry) and the
// token count (out[dims]), as TextEncoder::Apply writes them.
void EncodeText(const TextEncoder& e, std::string_view text, double clip, float* out) {
  if (text.empty()) {  // missing: no tokens
    out[e.dims] = e.linear ? e.count_affine.Apply(0.0, clip) : kNan;
    return;
  }
  int touched[kMaxTouchedBuckets];
  std::size_t num_touched = 0;
  bool overflow = false;
  // Counts accumulate in the output row (exact in float: a 6 MB body holds far fewer than 2^24
  // tokens).
  const std::size_t tokens = features_internal::ForEachTokenBucket(text, e.dims, [&](int b) {
    if (out[b] == 0.0f) {
      if (num_touched < kMaxTouchedBuckets)
        touched[num_touched++] = b;
      else
        overflow = true;
    }
    out[b] += 1.0f;
  });
  // The norm sums over buckets in increasing order, as over TextEncoder's sorted bucket list.
  double norm = 0.0;
  const auto add = [&](int b) {
    const double w = static_cast<int>(out[b]) * e.idf[b];
    norm += w * w;
  };
  const auto weigh = [&](int b) {
    out[b] = features_internal::TfidfWeight(static_cast<int>(out[b]), e.idf[b], norm);
  };
  if (overflow) {
    for (int b = 0; b < e.dims; ++b) {
      if (out[b] != 0.0f)
        add(b);
    }
    norm = std::sqrt(norm);
    for (int b = 0; b < e.dims; ++b) {
      if (out[b] != 0.0f)
        weigh(b);
    }
  } else {
    std::sort(touched, touched + num_touched);
    for (std::size_t i = 0; i < num_touched; ++i)
      add(touched[i]);
    norm = std::sqrt(norm);
    for (std::size_t i = 0; i < num_touched; ++i)
      weigh(touched[i]);
  }
  const double count = static_cast<double>(tokens);
  out[e.dims] = e.linear ? e.count_affine.Apply(count, clip) : ToFloat(count);
}

// The k encoded values of a target encoder for one row: a level's, the missing row's or the prior.
const double* TargetSource(const TargetEncoder& e, const LevelTable& levels, double number,
                           std::string_view text) {
  const std::size_t k = static_cast<std::size_t>(e.num_outputs);
  const double* missing_row = e.encoding.data() + e.num_levels() * k;
  if (e.numeric_keys) {
    if (IsMissingValue(number))
      return missing_row;
    const auto it = e.key_index.find(number);
    return it == e.key_index.end() ? e.prior.data()
                                   : e.encoding.data() + static_cast<std::size_t>(it->second) * k;
  }
  if (text.empty())
    return missing_row;
  const int level = levels.Find(text);
  return level < 0 ? e.prior.data() : e.encoding.data() + static_cast<std::size_t>(level) * k;
}

// A count encoder's value for one row, as CountEncoder::Apply writes it: the level's training
// count plus the row itself, 1 when unseen, NaN when missing.
float CountValue(const CountEncoder& e, const LevelTable& levels, double number,
                 std::string_view text) {
  int level = -1;
  if (e.numeric_keys) {
    if (IsMissingValue(number))
      return kNan;
    const auto it = e.key_index.find(number);
    level = it == e.key_index.end() ? -1 : it->second;
  } else {
    if (text.empty())
      return kNan;
    level = levels.Find(text);
  }
  return static_cast<float>(level < 0 ? 1.0 : e.counts[static_cast<std::size_t>(level)] + 1);
}

const std::vector<std::string>* LevelsOf(const Encoder& encoder) {
  if (const auto* e = std::get_if<OrdinalEncoder>(&encoder))
    return &e->levels;
  if (const auto* e = std::get_if<OneHotEncoder>(&encoder))
    return &e->levels;
  if (const auto* e = std::get_if<TargetEncoder>(&encoder))
    return e->numeric_keys ? nullptr : &e->levels;
  return nullptr;
}

}  // namespace

struct CompiledPipeline::Impl {
  std::shared_ptr<const FittedColumns> fitted;  // what the ops' encoder pointers point into
  std::vector<Op> ops;
  std::size_t width = 0;
  double clip = 0;
  std::vector<std::uint32_t> pass_through;
};

Result<CompiledPipeline> CompiledPipeline::Compile(const FeaturePipeline& pipeline,
                                                   std::span<const std::uint32_t> slots) {
  if (!pipeline.fitted_)
    return Status::FailedPrecondition("feature pipeline is not fitted");
  const std::vector<ColumnSchema>& inputs = pipeline.input_schema_;
  if (slots.size() != inputs.size()) {
    return Status::InvalidArgument(std::to_string(slots.size()) +
                                   " input slots for a pipeline of " +
                                   std::to_string(inputs.size()) + " input columns");
  }
  auto impl = std::make_shared<Impl>();
  impl->fitted = pipeline.fitted_;
  impl->width = pipeline.output_names_.size();
  impl->clip = pipeline.spec_.linear_clip;
  bool passes = true;  // every output so far passes a number through
  for (const features_internal::ColumnEncoder& ce : impl->fitted->columns) {
    Op op;
    op.input = static_cast<std::uint32_t>(ce.input);
    op.slot = slots[static_cast<std::size_t>(ce.input)];
    op.first = static_cast<std::uint32_t>(ce.first_output);
    op.encoder = &ce.encoder;
    const Status compiled = std::visit(
        [&](const auto& e) -> Status {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, NumericEncoder>) {
            op.kind = OpKind::kNumeric;
            passes = passes && !e.linear;
          } else if constexpr (std::is_same_v<T, OrdinalEncoder>) {
            op.kind = OpKind::kOrdinal;
            op.levels = LevelTable(e.levels);
          } else if constexpr (std::is_same_v<T, OneHotEncoder>) {
            op.kind = OpKind::kOneHot;
            op.levels = LevelTable(e.levels);
          } else if constexpr (std::is_same_v<T, TargetEncoder>) {
            op.kind = OpKind::kTarget;
            if (!e.numeric_keys)
              op.levels = LevelTable(e.levels);
          } else if constexpr (std::is_same_v<T, DatetimeEncoder>) {
            op.kind = OpKind::kDatetime;
          } else if constexpr (std::is_same_v<T, TextEncoder>) {
            op.kind = OpKind::kText;
          } else if constexpr (std::is_same_v<T, CountEncoder>) {
            op.kind = OpKind::kCount;
            if (!e.numeric_keys)
              op.levels = LevelTable(e.levels);
          } else {
            return Status::FailedPrecondition(
                "feature pipeline cannot be compiled: input column \"" +
                inputs[static_cast<std::size_t>(ce.input)].name +
                "\" has an encoder the compiled pipeline does not know");
          }
          return Status::Ok();
        },
        ce.encoder);
    RETURN_IF_ERROR(compiled);
    if (op.kind != OpKind::kNumeric)
      passes = false;
    impl->ops.push_back(std::move(op));
  }
  if (passes) {
    for (const Op& op : impl->ops)
      impl->pass_through.push_back(op.slot);
  }
  CompiledPipeline out;
  out.impl_ = std::move(impl);
  return out;
}

std::size_t CompiledPipeline::num_outputs() const { return impl_ ? impl_->width : 0; }

const std::vector<std::uint32_t>& CompiledPipeline::pass_through() const {
  static const std::vector<std::uint32_t> kNone;
  return impl_ ? impl_->pass_through : kNone;
}

void CompiledPipeline::Transform(const double* numbers, const std::string_view* texts,
                                 float* out) const {
  const Impl& m = *impl_;
  std::fill(out, out + m.width, 0.0f);
  for (const Op& op : m.ops) {
    float* o = out + op.first;
    switch (op.kind) {
      case OpKind::kNumeric:
        features_internal::EncodeNumericValue(*std::get_if<NumericEncoder>(op.encoder),
                                              numbers[op.slot], m.clip, o);
        break;
      case OpKind::kOrdinal: {
        const std::string_view text = texts[op.slot];
        const int level = text.empty() ? -1 : op.levels.Find(text);
        o[0] = level < 0 ? kNan : static_cast<float>(level);
        break;
      }
      case OpKind::kOneHot: {
        const auto& e = *std::get_if<OneHotEncoder>(op.encoder);
        const std::string_view text = texts[op.slot];
        const int kept = static_cast<int>(e.levels.size());
        int hot = -1;
        if (text.empty()) {
          hot = e.missing ? kept + (e.rare ? 1 : 0) : -1;
        } else {
          hot = op.levels.Find(text);
          if (hot < 0)
            hot = e.rare ? kept : -1;
        }
        if (hot >= 0)
          o[hot] = 1.0f;
        break;
      }
      case OpKind::kTarget: {
        const auto& e = *std::get_if<TargetEncoder>(op.encoder);
        const double number = e.numeric_keys ? numbers[op.slot] : 0.0;
        const std::string_view text = e.numeric_keys ? std::string_view() : texts[op.slot];
        features_internal::EncodeTargetValues(e, TargetSource(e, op.levels, number, text), m.clip,
                                              o);
        break;
      }
      case OpKind::kDatetime:
        features_internal::EncodeDatetimeValue(*std::get_if<DatetimeEncoder>(op.encoder),
                                               numbers[op.slot], m.clip, o);
        break;
      case OpKind::kText:
        EncodeText(*std::get_if<TextEncoder>(op.encoder), texts[op.slot], m.clip, o);
        break;
      case OpKind::kCount: {
        const auto& e = *std::get_if<CountEncoder>(op.encoder);
        o[0] = e.numeric_keys ? CountValue(e, op.levels, numbers[op.slot], {})
                              : CountValue(e, op.levels, 0.0, texts[op.slot]);
        break;
      }
    }
  }
}

std::vector<std::string> CompiledPipeline::KnownLevels(std::size_t input, std::size_t max) const {
  std::vector<std::string> out;
  if (!impl_)
    return out;
  for (const Op& op : impl_->ops) {
    if (op.input != input)
      continue;
    if (const std::vector<std::string>* levels = LevelsOf(*op.encoder)) {
      for (std::size_t i = 0; i < levels->size() && out.size() < max; ++i)
        out.push_back((*levels)[i]);
    }
  }
  return out;
}

}  // namespace kiln
