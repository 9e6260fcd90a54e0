#include "api/list_request.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace kiln {
namespace {

using nlohmann::json;

// SageMaker's ValidationException text; `value` (the member's JSON) is named when given.
Status Invalid(std::string_view member, const json* value, std::string_view constraint) {
  return Status::InvalidArgument(
      "1 validation error detected: Value " + (value != nullptr ? value->dump() + " " : "") +
      "at '" + std::string(member) + "' failed to satisfy constraint: " + std::string(constraint));
}

// The member `key`, or nullptr when it is absent or null.
const json* Member(const json& in, std::string_view key) {
  auto it = in.find(key);
  return it == in.end() || it->is_null() ? nullptr : &*it;
}

Result<std::string> OptString(const json& in, std::string_view key) {
  const json* v = Member(in, key);
  if (v == nullptr)
    return std::string();
  if (!v->is_string())
    return Invalid(key, v, "Member must be a string");
  return v->get<std::string>();
}

Result<std::optional<std::int64_t>> OptTimestampMs(const json& in, std::string_view key) {
  const json* v = Member(in, key);
  if (v == nullptr)
    return std::optional<std::int64_t>();
  if (!v->is_number())
    return Invalid(key, v, "Member must be a timestamp (epoch seconds)");
  return std::optional<std::int64_t>(std::llround(v->get<double>() * 1000.0));
}

// The member's value when it is one of `allowed`, `fallback` when absent.
Result<std::string> OptEnum(const json& in, std::string_view key,
                            std::span<const std::string_view> allowed, std::string_view fallback) {
  const json* v = Member(in, key);
  if (v == nullptr)
    return std::string(fallback);
  std::string list;
  for (std::string_view a : allowed) {
    if (v->is_string() && v->get_ref<const std::string&>() == a)
      return std::string(a);
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return Invalid(key, v, "Member must satisfy enum value set: [" + list + "]");
}

constexpr std::string_view kSortKeys[] = {"Name", "CreationTime", "Status"};
constexpr std::string_view kSortOrders[] = {"Ascending", "Descending"};

}  // namespace

Result<ListQuery> ParseListRequest(const json& in, const ListShape& shape) {
  ListQuery r;
  ASSIGN_OR_RETURN(r.name_contains, OptString(in, "NameContains"));
  if (!shape.statuses.empty()) {
    ASSIGN_OR_RETURN(r.status_equals, OptEnum(in, "StatusEquals", shape.statuses, ""));
  }
  ASSIGN_OR_RETURN(r.creation_after_ms, OptTimestampMs(in, "CreationTimeAfter"));
  ASSIGN_OR_RETURN(r.creation_before_ms, OptTimestampMs(in, "CreationTimeBefore"));
  if (shape.modified_times) {
    ASSIGN_OR_RETURN(r.modified_after_ms, OptTimestampMs(in, "LastModifiedTimeAfter"));
    ASSIGN_OR_RETURN(r.modified_before_ms, OptTimestampMs(in, "LastModifiedTimeBefore"));
  }
  const std::span<const std::string_view> keys =
      shape.sort_by_status ? std::span(kSortKeys) : std::span(kSortKeys).first(2);
  ASSIGN_OR_RETURN(std::string sort_by, OptEnum(in, "SortBy", keys, "CreationTime"));
  r.sort_by = sort_by == "Name"     ? ListSortBy::kName
              : sort_by == "Status" ? ListSortBy::kStatus
                                    : ListSortBy::kCreationTime;
  ASSIGN_OR_RETURN(std::string order, OptEnum(in, "SortOrder", kSortOrders, "Descending"));
  r.ascending = order == "Ascending";
  if (const json* v = Member(in, "MaxResults"); v != nullptr) {
    if (!v->is_number_integer() || v->get<std::int64_t>() < 1 || v->get<std::int64_t>() > 100)
      return Invalid("MaxResults", v, "Member must be an integer between 1 and 100");
    r.max_results = v->get<int>();
  }
  ASSIGN_OR_RETURN(r.next_token, OptString(in, "NextToken"));
  return r;
}

}  // namespace kiln
