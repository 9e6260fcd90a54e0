// Per-value encoding shared by the column encoders' Apply (FeaturePipeline::Transform, a column at
// a time) and CompiledPipeline (a row at a time), so both write the same bits for the same value.
// Each function writes one input value's outputs at `out`, in the encoder's AppendOutputs order.
// Pure functions; thread-safe. Private to src/features.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "features/internal/column_encoder.h"

namespace kiln::features_internal {

// NumericEncoder: the value (trees: NaN when missing; linear: imputed, scaled and clipped to
// +-clip) and, linear with an indicator, `<col>_missing`.
void EncodeNumericValue(const NumericEncoder& e, double v, double clip, float* out);

// DatetimeEncoder: each kept part of `seconds` (trees: NaN when missing; linear: imputed, scaled,
// clipped), then `<col>_missing` when it has an indicator.
void EncodeDatetimeValue(const DatetimeEncoder& e, double seconds, double clip, float* out);

// TargetEncoder: the num_outputs encoded values at `source` (a level's row of e.encoding, its
// missing row, or e.prior), scaled and clipped when linear.
void EncodeTargetValues(const TargetEncoder& e, const double* source, double clip, float* out);

// The TF-IDF weight of a bucket holding `count` tokens, in a row whose weights have L2 norm `norm`.
inline float TfidfWeight(int count, double idf, double norm) {
  return static_cast<float>(count * idf / norm);
}

// Calls bucket(b) for each token of `text` in order: runs of ASCII letters and digits and
// non-ASCII bytes, lowercased, hashed with FNV-1a 64 modulo `dims` (see TextEncoder). Returns the
// number of tokens. Allocates nothing.
template <typename BucketFn>
std::size_t ForEachTokenBucket(std::string_view text, int dims, BucketFn&& bucket) {
  constexpr std::uint64_t kOffset = 14695981039346656037ULL;  // Fnv1a64's
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::size_t tokens = 0;
  std::uint64_t h = kOffset;
  bool in_token = false;
  for (const char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    const bool token_byte =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    if (!token_byte) {
      if (in_token) {
        bucket(static_cast<int>(h % static_cast<std::uint64_t>(dims)));
        ++tokens;
        h = kOffset;
        in_token = false;
      }
      continue;
    }
    if (c >= 'A' && c <= 'Z')
      c = static_cast<unsigned char>(c - 'A' + 'a');
    h = (h ^ c) * kPrime;
    in_token = true;
  }
  if (in_token) {
    bucket(static_cast<int>(h % static_cast<std::uint64_t>(dims)));
    ++tokens;
  }
  return tokens;
}

}  // namespace kiln::features_internal
