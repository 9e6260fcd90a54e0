// ProbeRows: rows that exercise a forest's splits, for checking a compiled model against the
// library that trained it (XgboostPredictor does at load): each value is a threshold some split on
// that feature uses (where `<` is false), the float just below it (where it is true), one of a
// categorical split's categories or the integer after it (and the floats just below those), or
// missing.
// Deterministic for a seed.
//
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "infer/forest_spec.h"

namespace kiln {

// `rows` rows of spec.num_features floats, row-major.
std::vector<float> ProbeRows(const ForestSpec& spec, std::size_t rows, std::uint64_t seed);

}  // namespace kiln
