// Profiles the real datasets in /work/shared/datasets (or $KILN_DATASETS) when present and checks
// facts documented in their README. Skipped when the files are absent.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "profile/profile_render.h"
#include "profile/profile_test_util.h"
#include "profile/profiler.h"
#include "table/table_reader.h"

namespace kiln {
namespace {

using profile_test::FindColumn;
using profile_test::HasWarning;

std::string DatasetPath(const std::string& file) {
  const char* dir = std::getenv("KILN_DATASETS");
  std::filesystem::path base = dir ? dir : "/work/shared/datasets";
  return (base / file).string();
}

TEST(ProfileDatasetsTest, Diabetes130usFlagsIdsMissingWeightAndTheMulticlassTarget) {
  std::string path = DatasetPath("diabetes130us.csv");
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << path << " not present";
  ReadOptions read;
  read.dictionary_columns = {"readmitted"};
  Result<Table> t = ReadTable(path, read);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ProfileOptions options;
  options.target = "readmitted";
  auto start = std::chrono::steady_clock::now();
  Result<DataProfile> r = ProfileTable(*t, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const DataProfile& p = *r;
  std::printf("profiled %zu rows x %zu columns in %.3f s\n", p.rows, p.columns.size(), seconds);

  EXPECT_EQ(p.rows, 101766u);
  EXPECT_EQ(p.columns.size(), 50u);
  EXPECT_EQ(p.duplicate_rows, 0u);
  EXPECT_EQ(p.missing_cells, 192849u);
  ASSERT_NE(FindColumn(p, "encounter_id"), nullptr);
  EXPECT_TRUE(FindColumn(p, "encounter_id")->is_id);
  EXPECT_TRUE(FindColumn(p, "patient_nbr")->likely_id);
  EXPECT_EQ(FindColumn(p, "patient_nbr")->distinct, 71518u);
  EXPECT_TRUE(HasWarning(p, "id", "encounter_id", Severity::kMedium));
  EXPECT_TRUE(HasWarning(p, "likely_id", "patient_nbr", Severity::kLow));
  EXPECT_TRUE(HasWarning(p, "missing", "weight", Severity::kHigh));

  ASSERT_TRUE(p.target.has_value());
  EXPECT_EQ(p.target->task, Task::kMulticlass);
  ASSERT_EQ(p.target->classes.size(), 3u);
  EXPECT_EQ(p.target->classes[0].value, "<30");
  EXPECT_EQ(p.target->classes[0].count, 11357u);
  EXPECT_EQ(p.target->classes[2].value, "NO");
  EXPECT_EQ(p.target->classes[2].count, 54864u);
  for (const ProfileWarning& w : p.warnings) {
    EXPECT_NE(w.kind, "leakage") << w.column << ": " << w.message;
  }
  EXPECT_FALSE(RenderProfileHtml(p).empty());
  EXPECT_LT(seconds, 3.0);
}

}  // namespace
}  // namespace kiln
