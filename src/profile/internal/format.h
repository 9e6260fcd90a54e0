// Number and string formatting shared by the profile renderings. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string>

namespace kiln::profile_internal {

// 101766 -> "101,766".
std::string FormatCount(std::size_t n);
// A statistic for people: integers in full, else about four significant digits ("3.142",
// "12345.7", "0.0001235"); NaN and infinities as "-".
std::string FormatStat(double v);
// part/whole as "3.8%" (one decimal; "0%" for an empty whole).
std::string FormatPercent(std::size_t part, std::size_t whole);
// 45219840 -> "43.1 MiB".
std::string FormatBytes(std::size_t bytes);
// Code points in a UTF-8 string.
std::size_t DisplayWidth(const std::string& s);
// At most `width` code points: longer strings are cut and end in "…".
std::string Truncate(const std::string& s, std::size_t width);
// `s` padded with spaces to `width` code points (left-aligned), or right-aligned when `right`.
std::string Pad(const std::string& s, std::size_t width, bool right = false);

}  // namespace kiln::profile_internal
