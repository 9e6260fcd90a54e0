// ListObjectsV2 over the store_objects index: keys with a prefix, after a cursor, rolled up into
// common prefixes at a delimiter, paginated.
//
// The listing is defined as the sorted sequence of items (keys and common prefixes, bytewise) of
// the whole prefix; a query returns the first max_keys items that sort after start_after. So a
// start_after that is, or lies under, a common prefix skips that whole prefix, which makes
// next_start_after a correct continuation token. Cost: one index range scan, plus one index
// seek per common prefix (the keys under a common prefix are jumped over, not read).
// max_keys == 0 returns nothing and truncated == false. Runs on the connection it is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "meta/database.h"
#include "store/object_store.h"

namespace kiln::store_internal {

// REQUIRES 0 <= query.max_keys; values above 1000 are treated as 1000 (as S3 does).
Result<ListObjectsResult> ListObjectsIn(SqlConnection& conn, std::string_view bucket,
                                        const ListObjectsQuery& query);

// The smallest string greater than every string that starts with `prefix`, or nullopt when
// there is none (empty, or all bytes 0xff).
std::optional<std::string> PrefixSuccessor(std::string_view prefix);

}  // namespace kiln::store_internal
