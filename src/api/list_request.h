// ListRequest: the members the SageMaker List* operations take (ListTrainingJobs,
// ListTransformJobs, ListEndpoints; ListModels and ListEndpointConfigs a subset): NameContains,
// StatusEquals, CreationTimeAfter/Before, LastModifiedTimeAfter/Before, SortBy (Name, CreationTime,
// Status; default CreationTime), SortOrder (default Descending), MaxResults (1..100, default 10)
// and NextToken, parsed and checked in one place, so the operations accept and refuse the same
// requests with the same words. Timestamps are epoch seconds (fractions allowed), as awsJson1_1
// sends them. Errors are InvalidArgument (400 ValidationException) in SageMaker's wording, naming
// the member as the request spells it. Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace kiln {

enum class ListSortKey : std::uint8_t { kCreationTime, kName, kStatus };

struct ListRequest {
  std::string name_contains;  // "" = any; matched case-insensitively by the lister
  std::string status_equals;  // one of the statuses given to ParseListRequest; "" = any
  std::optional<std::int64_t> creation_after_ms;  // exclusive bounds, Unix milliseconds
  std::optional<std::int64_t> creation_before_ms;
  std::optional<std::int64_t> modified_after_ms;
  std::optional<std::int64_t> modified_before_ms;
  ListSortKey sort_by = ListSortKey::kCreationTime;
  bool ascending = false;  // SageMaker's default SortOrder is Descending
  int max_results = 10;
  std::string next_token;  // "" on the first page
};

// Which of those members an operation takes. ListModels and ListEndpointConfigs have no
// StatusEquals, no LastModifiedTime bounds and no SortBy Status; ListEndpoints and the jobs' lists
// have all. A member the operation does not take is ignored (botocore refuses it before sending).
struct ListShape {
  std::span<const std::string_view> statuses;  // the values StatusEquals may take; empty = none
  bool modified_times = true;                  // LastModifiedTimeAfter/Before
  bool sort_by_status = true;                  // SortBy Status
};

// Parses a List* request body (a JSON object; absent and null members take their defaults).
Result<ListRequest> ParseListRequest(const nlohmann::json& in, const ListShape& shape);
// All members, with `statuses` the values StatusEquals may take.
inline Result<ListRequest> ParseListRequest(const nlohmann::json& in,
                                            std::span<const std::string_view> statuses) {
  return ParseListRequest(in, ListShape{statuses});
}

// Moves `r` into a lister's query: jobs' ListTrainingJobsQuery or serve's ListQuery, which name
// these members alike and sort by an enum with kCreationTime, kName and kStatus. StatusEquals is
// left to the caller (its type differs).
template <typename Query>
void MoveListRequest(ListRequest&& r, Query* q) {
  using SortBy = decltype(q->sort_by);
  q->name_contains = std::move(r.name_contains);
  q->creation_after_ms = r.creation_after_ms;
  q->creation_before_ms = r.creation_before_ms;
  q->modified_after_ms = r.modified_after_ms;
  q->modified_before_ms = r.modified_before_ms;
  q->sort_by = r.sort_by == ListSortKey::kName     ? SortBy::kName
               : r.sort_by == ListSortKey::kStatus ? SortBy::kStatus
                                                   : SortBy::kCreationTime;
  q->ascending = r.ascending;
  q->max_results = r.max_results;
  q->next_token = std::move(r.next_token);
}

}  // namespace kiln
