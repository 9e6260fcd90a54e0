// ParseListRequest: the members the SageMaker List* operations take (ListTrainingJobs,
// ListTransformJobs, ListEndpoints; ListModels and ListEndpointConfigs a subset): NameContains,
// StatusEquals, CreationTimeAfter/Before, LastModifiedTimeAfter/Before, SortBy (Name, CreationTime,
// Status; default CreationTime), SortOrder (default Descending), MaxResults (1..100, default 10)
// and NextToken, parsed and checked in one place, so the operations accept and refuse the same
// requests with the same words. Timestamps are epoch seconds (fractions allowed), as awsJson1_1
// sends them. Errors are InvalidArgument (400 ValidationException) in SageMaker's wording, naming
// the member as the request spells it. Thread-safety: pure function.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string_view>

#include "common/list_page.h"
#include "common/status.h"

namespace kiln {

// Which of those members an operation takes. ListModels and ListEndpointConfigs have no
// StatusEquals, no LastModifiedTime bounds and no SortBy Status; ListEndpoints and the jobs' lists
// have all. A member the operation does not take is ignored (botocore refuses it before sending).
struct ListShape {
  std::span<const std::string_view> statuses;  // the values StatusEquals may take; empty = none
  bool modified_times = true;                  // LastModifiedTimeAfter/Before
  bool sort_by_status = true;                  // SortBy Status
};

// Parses a List* request body (a JSON object; absent and null members take their defaults).
Result<ListQuery> ParseListRequest(const nlohmann::json& in, const ListShape& shape);
// All members, with `statuses` the values StatusEquals may take.
inline Result<ListQuery> ParseListRequest(const nlohmann::json& in,
                                          std::span<const std::string_view> statuses) {
  return ParseListRequest(in, ListShape{statuses});
}

}  // namespace kiln
