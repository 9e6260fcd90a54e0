// Tests for the resume state file and multipart part planning.
#include "s3client/upload_state.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/file_util.h"
#include "s3client/part_plan.h"

namespace kiln {
namespace {

namespace fs = std::filesystem;

UploadState Sample() {
  return UploadState{"/data/train.csv",
                     "http://127.0.0.1:8080 s3://b/train.csv",
                     "upload-1",
                     8 * kMiB,
                     "size=20000000;mtime_ns=1",
                     {{1, "\"aa\"", 8 * kMiB}, {2, "\"bb\"", 8 * kMiB}}};
}

class UploadStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("kiln-upload-state-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(UploadStateTest, PathIsTheSha256OfSourceAndDestination) {
  const std::string a = UploadStatePath("/c", "src", "dst");
  EXPECT_EQ(a.size(), std::string("/c/").size() + 64 + 5);
  EXPECT_EQ(a.rfind(".json"), a.size() - 5);
  EXPECT_EQ(a, UploadStatePath("/c", "src", "dst"));
  EXPECT_NE(a, UploadStatePath("/c", "src", "dst2"));
  EXPECT_NE(UploadStatePath("/c", "ab", "c"), UploadStatePath("/c", "a", "bc"));
}

TEST_F(UploadStateTest, SaveThenLoadReturnsTheSameState) {
  const std::string path = UploadStatePath((dir_ / "nested").string(), "s", "d");
  ASSERT_TRUE(SaveUploadState(path, Sample()).ok());
  auto loaded = LoadUploadState(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, Sample());
  ASSERT_TRUE(RemoveUploadState(path).ok());
  auto gone = LoadUploadState(path);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(RemoveUploadState(path).ok());
}

TEST_F(UploadStateTest, GarbageIsCorruptionNamingTheFile) {
  fs::create_directories(dir_);
  const std::string path = (dir_ / "x.json").string();
  ASSERT_TRUE(WriteFileAtomic(path, "{\"version\": 1, \"source\": 3}").ok());
  auto loaded = LoadUploadState(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code(), StatusCode::kCorruption);
  EXPECT_NE(loaded.error().message().find(path), std::string::npos);
  EXPECT_FALSE(UploadStateFromJson("not json", "f").ok());
  EXPECT_FALSE(UploadStateFromJson("{\"version\": 2}", "f").ok());
}

TEST(PartPlanTest, KeepsTheRequestedSizeWhenTheObjectFits) {
  EXPECT_EQ(*ChoosePartSize(100 * kMiB, 8 * kMiB), 8 * kMiB);
  EXPECT_EQ(*ChoosePartSize(std::nullopt, 8 * kMiB), 8 * kMiB);
  EXPECT_EQ(*ChoosePartSize(10'000 * 8 * kMiB, 8 * kMiB), 8 * kMiB);
}

TEST(PartPlanTest, RaisesThePartSizeToFitTenThousandParts) {
  const std::uint64_t size = 10'000 * 8 * kMiB + 1;
  const std::uint64_t part = *ChoosePartSize(size, 8 * kMiB);
  EXPECT_EQ(part, 9 * kMiB);
  EXPECT_LE(PartCount(size, part), kMaxParts);
}

TEST(PartPlanTest, RejectsPartSizesOutsideS3Limits) {
  EXPECT_FALSE(ChoosePartSize(1, 4 * kMiB).ok());
  EXPECT_FALSE(ChoosePartSize(1, 6 * 1024 * kMiB).ok());
  EXPECT_FALSE(ChoosePartSize(kMaxPartSize * 10'001, kMaxPartSize).ok());
}

TEST(PartPlanTest, PartsCoverTheObjectWithAShortLastPart) {
  const std::uint64_t size = 20'000'000;
  EXPECT_EQ(PartCount(size, 8 * kMiB), 3);
  EXPECT_EQ(PartCount(0, 8 * kMiB), 1);
  EXPECT_EQ(PartCount(8 * kMiB, 8 * kMiB), 1);
  const PartRange last = PartAt(size, 8 * kMiB, 3);
  EXPECT_EQ(last.offset, 16 * kMiB);
  EXPECT_EQ(last.length, size - 16 * kMiB);
  EXPECT_EQ(PartAt(size, 8 * kMiB, 1).length, 8 * kMiB);
}

TEST(PartPlanTest, DonePrefixKeepsLeadingPartsBothSidesAgreeOn) {
  const std::uint64_t p = 8 * kMiB;
  const std::vector<UploadedPart> saved = {{1, "\"a\"", p}, {2, "\"b\"", p}, {3, "\"c\"", p}};
  EXPECT_EQ(DonePrefix(saved, saved, p, 40 * kMiB), 3);
  // The server lost part 2: only part 1 is kept.
  EXPECT_EQ(DonePrefix(saved, {{1, "\"a\"", p}, {3, "\"c\"", p}}, p, 40 * kMiB), 1);
  // A different ETag on the server (uploaded by someone else) ends the prefix.
  EXPECT_EQ(DonePrefix(saved, {{1, "\"x\"", p}, {2, "\"b\"", p}}, p, std::nullopt), 0);
  // Parts on the server that the state does not know about are not trusted.
  EXPECT_EQ(DonePrefix({{1, "\"a\"", p}}, saved, p, std::nullopt), 1);
  // With a known total, the short last part counts; with a stream only full parts do.
  const std::vector<UploadedPart> all = {{1, "\"a\"", p}, {2, "\"b\"", 100}};
  EXPECT_EQ(DonePrefix(all, all, p, p + 100), 2);
  EXPECT_EQ(DonePrefix(all, all, p, std::nullopt), 1);
  EXPECT_EQ(DonePrefix(all, all, p, p + 101), 1);
}

}  // namespace
}  // namespace kiln
