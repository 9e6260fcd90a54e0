#include "common/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>

#include "common/number_format.h"

namespace kiln {
namespace {

std::string TempDir() {
  auto p = std::filesystem::temp_directory_path() /
           ("kiln-fu-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

TEST(FileUtilTest, WriteThenReadReturnsSameBytes) {
  std::string dir = TempDir();
  std::string path = dir + "/a.bin";
  std::string data("x\0y\nz", 5);
  ASSERT_TRUE(WriteFileAtomic(path, data).ok());
  EXPECT_EQ(ReadFile(path).value(), data);
  ASSERT_TRUE(WriteFileAtomic(path, "new").ok());
  EXPECT_EQ(ReadFile(path).value(), "new");
  // No temporary files are left behind.
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1);
}

TEST(FileUtilTest, ReadingAMissingFileIsNotFound) {
  EXPECT_EQ(ReadFile("/nonexistent/kiln/x").error().code(), StatusCode::kNotFound);
}

TEST(FileUtilTest, AGivenModeIsExactWhateverTheUmaskWhileTheDefaultFollowsIt) {
  const std::string dir = TempDir();
  const auto mode_of = [](const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  };
  const mode_t old_umask = ::umask(077);
  ASSERT_TRUE(WriteFileAtomic(dir + "/default", "d").ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/shared", "s", 0640).ok());
  ::umask(0);
  ASSERT_TRUE(WriteFileAtomic(dir + "/secret", "k", 0600).ok());
  ::umask(old_umask);
  EXPECT_EQ(mode_of(dir + "/default"), 0600u);
  EXPECT_EQ(mode_of(dir + "/shared"), 0640u);
  EXPECT_EQ(mode_of(dir + "/secret"), 0600u);
  EXPECT_EQ(ReadFile(dir + "/secret").value(), "k");
}

TEST(FileUtilTest, FsyncDirectoryNeedsADirectory) {
  EXPECT_TRUE(FsyncDirectory(TempDir()).ok());
  EXPECT_EQ(FsyncDirectory("/nonexistent/kiln").code(), StatusCode::kNotFound);
}

TEST(FileUtilTest, NonEmptyOutputDirNeedsOverwrite) {
  std::string dir = TempDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/old", "1").ok());
  Status s = PrepareOutputDir(dir, false);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(s.message().find("--overwrite"), std::string::npos);
  ASSERT_TRUE(PrepareOutputDir(dir, true).ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  EXPECT_TRUE(PrepareOutputDir(dir + "/new/sub", false).ok());
}

TEST(FileUtilTest, ReadingADirectoryIsAClearError) {
  const std::string dir = ::testing::TempDir() + "/kiln-read-dir";
  std::filesystem::create_directories(dir);
  auto r = ReadFile(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("is a directory"), std::string::npos);
}

TEST(NumberFormatTest, ShortestRoundTrip) {
  EXPECT_EQ(FormatShortest(0.1), "0.1");
  EXPECT_EQ(FormatShortest(3.0), "3");
  EXPECT_EQ(FormatShortest(-0.0), "0");
  EXPECT_EQ(FormatShortest(1e-7), "1e-07");
  EXPECT_EQ(FormatShortest(std::nan("")), "");
  double v = 0.1 + 0.2;
  EXPECT_EQ(std::stod(FormatShortest(v)), v);
}

}  // namespace
}  // namespace kiln
