#include "jobs/job_table.h"

namespace kiln::job_table {
namespace {

constexpr std::string_view kCommon =
    "name, arn, status, failure_reason, creation_ms, last_modified_ms";

// ", a, b, c" for `columns`.
std::string ListAfter(std::span<const std::string_view> columns) {
  std::string out;
  for (std::string_view c : columns) {
    out += ", ";
    out += c;
  }
  return out;
}

}  // namespace

std::string SelectSql(std::string_view table, std::span<const std::string_view> fixed,
                      std::span<const std::string_view> state, bool with_request, bool one) {
  std::string sql = "SELECT " + std::string(kCommon) + ListAfter(fixed) + ListAfter(state);
  if (with_request)
    sql += ", request";
  sql += " FROM " + std::string(table);
  if (one)
    sql += " WHERE name = ?1";
  return sql;
}

std::string InsertSql(std::string_view table, std::span<const std::string_view> fixed,
                      std::span<const std::string_view> state) {
  std::string sql = "INSERT INTO " + std::string(table) + " (" + std::string(kCommon) +
                    ListAfter(fixed) + ListAfter(state) + ", request) VALUES (";
  const std::size_t count = kCommonColumns + fixed.size() + state.size() + 1;
  for (std::size_t i = 1; i <= count; ++i)
    sql += (i == 1 ? "?" : ", ?") + std::to_string(i);
  return sql + ")";
}

std::string UpdateSql(std::string_view table, std::span<const std::string_view> state) {
  std::string sql = "UPDATE " + std::string(table) +
                    " SET status = ?2, failure_reason = ?3, last_modified_ms = ?4";
  int index = 5;
  for (std::string_view c : state)
    sql += ", " + std::string(c) + " = ?" + std::to_string(index++);
  return sql + " WHERE name = ?1";
}

Result<JobStatus> StatusColumn(const SqlStatement& st, int index, std::string_view kind,
                               std::string_view name) {
  const std::string status = st.ColumnText(index);
  const std::optional<JobStatus> parsed = ParseJobStatus(status);
  if (!parsed.has_value()) {
    return Status::Corruption(std::string(kind) + " job \"" + std::string(name) +
                              "\": unknown status \"" + status + "\"");
  }
  return *parsed;
}

Status CheckNameFree(SqlConnection& conn, std::string_view table, std::string_view kind,
                     std::string_view name, std::string_view arn) {
  ASSIGN_OR_RETURN(SqlStatement exists, conn.Prepare("SELECT name FROM " + std::string(table) +
                                                     " WHERE name = ?1 OR arn = ?2"));
  RETURN_IF_ERROR(exists.BindText(1, name));
  RETURN_IF_ERROR(exists.BindText(2, arn));
  ASSIGN_OR_RETURN(bool taken, exists.Step());
  if (!taken)
    return Status::Ok();
  return Status::AlreadyExists(std::string(kind) + " job \"" + exists.ColumnText(0) +
                               "\" already exists (ARN " + std::string(arn) + ")");
}

Result<std::vector<std::string>> Unfinished(Database& db, std::string_view table) {
  return db.ReadRows<std::string>(
      "SELECT name FROM " + std::string(table) +
          " WHERE status IN ('InProgress', 'Stopping') ORDER BY creation_ms, name",
      [](const SqlStatement& st) -> Result<std::string> { return st.ColumnText(0); });
}

}  // namespace kiln::job_table
