// Parsing hyperparameter values given as text (CLI --hp, SageMaker HyperParameters), with the error
// messages every learner shares: `hyperparameter "max_depth": "deep" is not an integer`.
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln::hp {

// InvalidArgument: hyperparameter "NAME": "VALUE" is not EXPECTED.
Status BadValue(std::string_view name, std::string_view value, std::string_view expected);
// InvalidArgument: hyperparameter "NAME": VALUE is out of range RANGE.
Status OutOfRange(std::string_view name, std::string_view value, std::string_view range);
// A finite number, written in full (no trailing text).
Result<double> ParseDouble(std::string_view name, std::string_view value);
// An int, written in full.
Result<int> ParseInt(std::string_view name, std::string_view value);
// ASCII lower case.
std::string Lower(std::string_view s);

}  // namespace kiln::hp
