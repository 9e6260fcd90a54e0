#include "jobs/job_table.h"

#include "meta/database.h"

namespace kiln::job_table {

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
