// Parsing hyperparameter values given as text (CLI --hp, SageMaker HyperParameters), with the error
// messages every learner shares: `hyperparameter "max_depth": "deep" is not an integer`.
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln::hp {

// InvalidArgument: hyperparameter "NAME": "VALUE" is not EXPECTED.
Status BadValue(std::string_view name, std::string_view value, std::string_view expected);
// InvalidArgument: hyperparameter "NAME": VALUE is out of range RANGE.
Status OutOfRange(std::string_view name, std::string_view value, std::string_view range);
// InvalidArgument: hyperparameter "NAME": VALUE must be ≥ BOUND.
Status MustBeAtLeast(std::string_view name, std::string_view value, std::string_view bound);
// InvalidArgument: unknown hyperparameter "NAME" for algorithm "ALGORITHM"; valid names: A, B.
Status UnknownName(std::string_view name, std::string_view algorithm,
                   std::span<const char* const> valid);
// A finite number, written in full (no trailing text).
Result<double> ParseDouble(std::string_view name, std::string_view value);
// An int, written in full.
Result<int> ParseInt(std::string_view name, std::string_view value);
// An int ≥ 1, written in full: MustBeAtLeast below 1, "is too large" above INT_MAX.
Result<int> ParsePositiveInt(std::string_view name, std::string_view value);
// "true"/"1" or "false"/"0", any case.
Result<bool> ParseBool(std::string_view name, std::string_view value);
// ASCII lower case.
std::string Lower(std::string_view s);

// The value of `name` or of its alias `alias`, if either is given; InvalidArgument when both are.
Result<std::optional<std::string>> AliasedValue(const HyperParams& params, const char* name,
                                                const char* alias);

}  // namespace kiln::hp
