// Encoding of an ordered list of (name, value) string pairs — an object's user metadata or stored
// headers — into one SQLite BLOB column, and back.
//
// Format: for each pair, "<decimal length>:<name><decimal length>:<value>", concatenated. Order
// and duplicates are preserved; any bytes are allowed. Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kiln::store_internal {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

std::string EncodePairs(const StringPairs& pairs);
// Corruption when `encoded` was not produced by EncodePairs.
Result<StringPairs> DecodePairs(std::string_view encoded);

}  // namespace kiln::store_internal
