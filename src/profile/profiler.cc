#include "profile/profiler.h"

#include <utility>

#include "profile/internal/column_statistics.h"
#include "profile/internal/duplicate_rows.h"
#include "profile/internal/profile_warnings.h"
#include "profile/internal/target_analysis.h"

namespace kiln {
namespace {

constexpr std::size_t kMaxNamesListed = 30;

Status UnknownTarget(const Table& table, const std::string& target) {
  std::string names;
  for (std::size_t i = 0; i < table.columns.size() && i < kMaxNamesListed; ++i) {
    names += (i ? ", " : "") + table.columns[i].name;
  }
  if (table.columns.size() > kMaxNamesListed) {
    names += ", ... (" + std::to_string(table.columns.size()) + " columns)";
  }
  std::string where = table.source.empty() ? "the table" : table.source;
  return Status::InvalidArgument("--target \"" + target + "\" is not a column of " + where +
                                 "; the columns are: " + names);
}

}  // namespace

Result<DataProfile> ProfileTable(const Table& table, const ProfileOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  int target_index = -1;
  if (!options.target.empty()) {
    target_index = table.Find(options.target);
    if (target_index < 0)
      return UnknownTarget(table, options.target);
  }
  DataProfile p;
  p.source = table.source;
  p.rows = table.num_rows;
  p.columns.reserve(table.columns.size());
  for (const Column& c : table.columns) {
    p.columns.push_back(profile_internal::ProfileColumn(c, options));
    p.missing_cells += p.columns.back().missing;
    p.memory_bytes += p.columns.back().memory_bytes;
  }
  p.duplicate_rows = profile_internal::CountDuplicateRows(table);
  std::vector<profile_internal::IndexedWarning> leakage;
  if (target_index >= 0) {
    profile_internal::TargetAnalysis target =
        profile_internal::AnalyzeTarget(table, target_index, options);
    leakage = profile_internal::FindLeakage(table, target_index, target);
    p.target = std::move(target.profile);
  }
  p.warnings = profile_internal::CollectWarnings(p, target_index, std::move(leakage));
  return p;
}

}  // namespace kiln
