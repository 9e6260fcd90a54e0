// Parsing and error text for unsupervised hyperparameters, so k-means and PCA validate alike:
// `hyperparameter "k": 0 must be ≥ 1`. Private to learn/unsupervised.
//
// Thread-safety: stateless functions.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln::unsupervised_internal {

Result<long long> ParseInteger(std::string_view name, std::string_view value);
Result<double> ParseFiniteDouble(std::string_view name, std::string_view value);
// "true"/"1" or "false"/"0", any case.
Result<bool> ParseBoolean(std::string_view name, std::string_view value);
// ASCII lower case.
std::string Lower(std::string_view s);

// `hyperparameter "name": value must be ≥ bound`.
Status MustBeAtLeast(std::string_view name, std::string_view value, std::string_view bound);
// `hyperparameter "name": "value" is not <expected>`.
Status NotOneOf(std::string_view name, std::string_view value, std::string_view expected);
// Unknown name, listing the valid ones.
Status UnknownName(std::string_view name, std::string_view algorithm,
                   std::initializer_list<const char*> valid);

// The value of `name` or its alias `alias`, if given; InvalidArgument when both are.
Result<std::optional<std::string>> AliasedValue(const HyperParams& params, const char* name,
                                                const char* alias);

}  // namespace kiln::unsupervised_internal
