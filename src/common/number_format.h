// Number formatting for files users read back: shortest round-trip form ("0.1", "1e-07", "3").
#pragma once

#include <string>

namespace kiln {

// Appends the shortest decimal text that parses back to exactly `v`; NaN is written as ""
// (missing).
void AppendShortest(double v, std::string* out);
std::string FormatShortest(double v);

}  // namespace kiln
