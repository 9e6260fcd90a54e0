#include "common/list_page.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "common/digest.h"

namespace kiln {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool AscendingLess(const ListItem& a, const ListItem& b, ListSortBy by) {
  switch (by) {
    case ListSortBy::kCreationTime:
      if (a.creation_ms != b.creation_ms)
        return a.creation_ms < b.creation_ms;
      break;
    case ListSortBy::kStatus:
      if (a.status != b.status)
        return a.status < b.status;
      break;
    case ListSortBy::kName:
      break;
  }
  return a.name < b.name;
}

std::string TokenHead(const ListQuery& q, std::string_view operation) {
  return "v1\n" + std::string(operation) + "\n" + std::to_string(static_cast<int>(q.sort_by)) +
         (q.ascending ? "A" : "D") + "\n";
}

std::string TokenFor(const ListItem& last, const ListQuery& q, std::string_view operation) {
  return Base64Encode(TokenHead(q, operation) + std::to_string(last.creation_ms) + "\n" +
                      last.status + "\n" + last.name);
}

Result<ListItem> ParseToken(const ListQuery& q, std::string_view operation) {
  const Status bad =
      Status::InvalidArgument("NextToken \"" + q.next_token + "\" is not a token from this " +
                              std::string(operation) + " query");
  const std::optional<std::string> text = Base64Decode(q.next_token);
  const std::string head = TokenHead(q, operation);
  if (!text.has_value() || !text->starts_with(head))
    return bad;
  const std::string_view rest = std::string_view(*text).substr(head.size());
  const std::size_t nl1 = rest.find('\n');
  const std::size_t nl2 = nl1 == std::string_view::npos ? nl1 : rest.find('\n', nl1 + 1);
  if (nl2 == std::string_view::npos)
    return bad;
  ListItem item;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + nl1, item.creation_ms);
  if (ec != std::errc() || end != rest.data() + nl1)
    return bad;
  item.status = std::string(rest.substr(nl1 + 1, nl2 - nl1 - 1));
  item.name = std::string(rest.substr(nl2 + 1));
  return item;
}

}  // namespace

Result<ListSelection> SelectPage(const std::vector<ListItem>& items, const ListQuery& q,
                                 std::string_view operation) {
  if (q.max_results < 1 || q.max_results > 100) {
    return Status::InvalidArgument("MaxResults " + std::to_string(q.max_results) +
                                   " is outside 1..100");
  }
  const std::string needle = Lower(q.name_contains);
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ListItem& it = items[i];
    if (!needle.empty() && Lower(it.name).find(needle) == std::string::npos)
      continue;
    if (!q.status_equals.empty() && it.status != q.status_equals)
      continue;
    if (q.creation_after_ms && !(it.creation_ms > *q.creation_after_ms))
      continue;
    if (q.creation_before_ms && !(it.creation_ms < *q.creation_before_ms))
      continue;
    if (q.modified_after_ms && !(it.last_modified_ms > *q.modified_after_ms))
      continue;
    if (q.modified_before_ms && !(it.last_modified_ms < *q.modified_before_ms))
      continue;
    kept.push_back(i);
  }
  const auto before = [&](const ListItem& a, const ListItem& b) {
    return q.ascending ? AscendingLess(a, b, q.sort_by) : AscendingLess(b, a, q.sort_by);
  };
  std::sort(kept.begin(), kept.end(),
            [&](std::size_t a, std::size_t b) { return before(items[a], items[b]); });
  auto first = kept.begin();
  if (!q.next_token.empty()) {
    ASSIGN_OR_RETURN(ListItem last, ParseToken(q, operation));
    first = std::upper_bound(kept.begin(), kept.end(), last,
                             [&](const ListItem& l, std::size_t i) { return before(l, items[i]); });
  }
  ListSelection page;
  const std::size_t left = static_cast<std::size_t>(kept.end() - first);
  const std::size_t n = std::min(left, static_cast<std::size_t>(q.max_results));
  page.indices.assign(first, first + static_cast<std::ptrdiff_t>(n));
  if (n < left)
    page.next_token = TokenFor(items[page.indices.back()], q, operation);
  return page;
}

}  // namespace kiln
