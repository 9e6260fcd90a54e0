// The SageMaker List* operations' semantics, shared by every lister (ListTrainingJobs,
// ListTransformJobs, ListModels, ListEndpointConfigs, ListEndpoints): filters (NameContains,
// case-insensitive; StatusEquals; Creation/LastModifiedTime After/Before, exclusive), sort (SortBy
// CreationTime, Name or Status, ties broken by name; SortOrder) and keyset pagination: NextToken
// is an opaque token naming the last item returned and the operation and sort it came from, so
// items created between pages neither repeat nor shift a page. The API edge parses requests into
// a ListQuery (api/list_request.h). Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kiln {

enum class ListSortBy : std::uint8_t { kCreationTime, kName, kStatus };

// A List* request's filters, sort and page. Times are exclusive bounds, Unix milliseconds.
struct ListQuery {
  std::string name_contains;  // case-insensitive substring; "" = any
  std::optional<std::int64_t> creation_after_ms;
  std::optional<std::int64_t> creation_before_ms;
  std::optional<std::int64_t> modified_after_ms;
  std::optional<std::int64_t> modified_before_ms;
  std::string status_equals;  // the status's SageMaker name; "" = any
  ListSortBy sort_by = ListSortBy::kCreationTime;
  bool ascending = false;  // SageMaker's default order is Descending
  int max_results = 10;    // 1..100
  std::string next_token;  // from the previous page, or empty
};

template <typename T>
struct ListPage {
  std::vector<T> items;
  std::string next_token;  // empty on the last page
};

// What a list sorts and filters on.
struct ListItem {
  std::string name;
  std::int64_t creation_ms = 0;
  std::int64_t last_modified_ms = 0;
  std::string status;  // SageMaker's name of it; "" for resources without one
};

struct ListSelection {
  std::vector<std::size_t> indices;  // into the items given, in page order
  std::string next_token;            // empty on the last page
};

// The page of `items` that `query` asks for. InvalidArgument when MaxResults is outside 1..100 or
// the token does not come from the same `operation` and sort.
Result<ListSelection> SelectPage(const std::vector<ListItem>& items, const ListQuery& query,
                                 std::string_view operation);

// The page of `records` that `query` asks for (SelectPage), each record sorted and filtered as
// `to_item(record)` describes it.
template <typename Record, typename ToItem>
Result<ListPage<Record>> PageOf(std::vector<Record> records, const ListQuery& query,
                                std::string_view operation, ToItem to_item) {
  std::vector<ListItem> items;
  items.reserve(records.size());
  for (const Record& r : records)
    items.push_back(to_item(r));
  ASSIGN_OR_RETURN(ListSelection sel, SelectPage(items, query, operation));
  ListPage<Record> page;
  page.items.reserve(sel.indices.size());
  for (std::size_t i : sel.indices)
    page.items.push_back(std::move(records[i]));
  page.next_token = std::move(sel.next_token);
  return page;
}

}  // namespace kiln
