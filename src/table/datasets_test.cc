// Reads the real datasets in /work/shared/datasets (or $KILN_DATASETS) when present and checks
// facts documented in their README. Skipped when the files are absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "table/table_reader.h"

namespace kiln {
namespace {

std::string DatasetPath(const std::string& file) {
  const char* dir = std::getenv("KILN_DATASETS");
  std::filesystem::path base = dir ? dir : "/work/shared/datasets";
  return (base / file).string();
}

const Column& Col(const Table& t, const std::string& name) {
  int i = t.Find(name);
  EXPECT_GE(i, 0) << name;
  return t.columns.at(static_cast<std::size_t>(i < 0 ? 0 : i));
}

TEST(DatasetsTest, Diabetes130usHasKnownTypesAndIds) {
  std::string path = DatasetPath("diabetes130us.csv");
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << path << " not present";
  Result<Table> r = ReadTable(path, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Table& t = *r;
  EXPECT_EQ(t.num_rows, 101766u);
  EXPECT_EQ(t.columns.size(), 50u);
  EXPECT_TRUE(Col(t, "encounter_id").is_id);
  EXPECT_TRUE(Col(t, "patient_nbr").likely_id);
  EXPECT_EQ(Col(t, "patient_nbr").distinct, 71518u);
  for (const char* code :
       {"admission_type_id", "discharge_disposition_id", "admission_source_id"}) {
    EXPECT_EQ(Col(t, code).type, ColumnType::kCategorical) << code;
  }
  EXPECT_EQ(Col(t, "diag_3").type, ColumnType::kCategorical);
  EXPECT_GT(Col(t, "diag_3").levels.size(), 700u);
  EXPECT_EQ(Col(t, "payer_code").type, ColumnType::kCategorical);
  EXPECT_GT(Col(t, "payer_code").missing, 0u);
  EXPECT_EQ(Col(t, "time_in_hospital").type, ColumnType::kInteger);
  // "None" is a value, not missing.
  const Column& glu = Col(t, "max_glu_serum");
  EXPECT_EQ(glu.missing, 0u);
  EXPECT_NE(std::find(glu.levels.begin(), glu.levels.end(), "None"), glu.levels.end());
  std::size_t missing = 0;
  for (const Column& c : t.columns)
    missing += c.missing;
  EXPECT_EQ(missing, 192849u);
  EXPECT_EQ(Col(t, "readmitted").levels.size(), 3u);
}

TEST(DatasetsTest, AdultFnlwgtIsNotAnId) {
  std::string path = DatasetPath("adult.csv");
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << path << " not present";
  Result<Table> r = ReadTable(path, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows, 48842u);
  const Column& w = Col(*r, "fnlwgt");
  EXPECT_EQ(w.type, ColumnType::kInteger);
  EXPECT_FALSE(w.is_id);
  EXPECT_FALSE(w.likely_id);
  std::size_t missing = 0;
  for (const Column& c : r->columns)
    missing += c.missing;
  EXPECT_EQ(missing, 6465u);
}

TEST(DatasetsTest, EveryDatasetReads) {
  std::filesystem::path dir = std::filesystem::path(DatasetPath("x")).parent_path();
  if (!std::filesystem::exists(dir))
    GTEST_SKIP() << dir << " not present";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".csv")
      continue;
    ++files;
    Result<Table> r = ReadTable(entry.path().string(), {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace kiln
