#include "store/internal/list_objects.h"

#include <algorithm>

#include "store/internal/object_rows.h"

namespace kiln::store_internal {

std::optional<std::string> PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xff)
    s.pop_back();
  if (s.empty())
    return std::nullopt;
  s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
  return s;
}

Result<ListObjectsResult> ListObjectsIn(SqlConnection& conn, std::string_view bucket,
                                        const ListObjectsQuery& query) {
  ListObjectsResult result;
  const std::string& prefix = query.prefix;
  const std::string& delimiter = query.delimiter;
  const int max_keys = std::min(query.max_keys, 1000);
  if (max_keys <= 0)
    return result;

  // The inclusive lower bound of the scan: the prefix, or just after start_after, or past the
  // whole common prefix that start_after belongs to.
  std::string cursor = prefix;
  if (!query.start_after.empty()) {
    std::string after = query.start_after + '\0';  // the least string > start_after
    if (!delimiter.empty() && query.start_after.starts_with(prefix)) {
      std::size_t pos = query.start_after.find(delimiter, prefix.size());
      if (pos != std::string::npos) {
        std::optional<std::string> next =
            PrefixSuccessor(std::string_view(query.start_after).substr(0, pos + delimiter.size()));
        if (!next.has_value())
          return result;
        after = std::move(*next);
      }
    }
    cursor = std::max(cursor, after);
  }

  ASSIGN_OR_RETURN(SqlStatement stmt,
                   conn.Prepare(std::string("SELECT ") + kObjectColumns +
                                " FROM store_objects WHERE bucket = ?1 AND key >= ?2"
                                " ORDER BY key"));
  int emitted = 0;
  while (true) {
    stmt.Reset();
    RETURN_IF_ERROR(stmt.BindText(1, bucket));
    RETURN_IF_ERROR(stmt.BindBlob(2, cursor));
    bool seek = false;
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row)
        break;
      std::string_view key = stmt.ColumnView(0);
      if (!key.starts_with(prefix))
        break;  // keys with the prefix are contiguous: past them, nothing more can match
      if (emitted == max_keys) {
        result.truncated = true;
        break;
      }
      std::size_t pos =
          delimiter.empty() ? std::string_view::npos : key.find(delimiter, prefix.size());
      if (pos != std::string_view::npos) {
        std::string common(key.substr(0, pos + delimiter.size()));
        std::optional<std::string> next = PrefixSuccessor(common);
        result.common_prefixes.push_back(common);
        result.next_start_after = std::move(common);
        ++emitted;
        if (next.has_value()) {
          cursor = std::move(*next);
          seek = true;
        }
        break;
      }
      ASSIGN_OR_RETURN(ObjectInfo info, ReadObjectInfo(stmt, 0, bucket));
      result.next_start_after = info.key;
      result.contents.push_back(std::move(info));
      ++emitted;
    }
    if (!seek)
      break;
  }
  if (!result.truncated)
    result.next_start_after.clear();
  return result;
}

}  // namespace kiln::store_internal
