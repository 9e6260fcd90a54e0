// Structural checks of an XGBoost model document (XGBoost's JSON model schema, as parsed from a
// JSON or UBJSON model file or dumped from a loaded booster) before libxgboost predicts with it.
//
// libxgboost trusts its model files: a corrupt or hostile `xgboost-model` with a child index out
// of range, a cycle, a split on a feature past num_feature, a tree assigned to an output group
// that does not exist or a categorical split whose categories run past their array makes
// prediction read or write out of bounds and crash the server. CheckXgboostModel refuses such a
// document with FailedPrecondition saying what is wrong, so only well-formed trees are served.
//
// CheckLegacyBinaryModel walks XGBoost's legacy binary model format (save_model("xgboost-model")
// in XGBoost < 2.0) before libxgboost loads it: every count and length in it must fit in the
// bytes that follow, since libxgboost allocates what they say before reading (a corrupt file could
// otherwise make it allocate gigabytes). Its trees are checked after loading, through the JSON
// dump. Thread-safety: pure functions.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "common/status.h"

namespace kiln::serve_internal {

// Features and classes a served model may have (each request row holds num_feature values).
inline constexpr long long kMaxModelFeatures = 1 << 22;
inline constexpr long long kMaxModelClasses = 1 << 16;

Status CheckXgboostModel(const nlohmann::json& model);
Status CheckLegacyBinaryModel(std::string_view bytes);

}  // namespace kiln::serve_internal
