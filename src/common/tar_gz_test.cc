#include "common/tar_gz.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace kiln {
namespace {

TEST(TarGzTest, WriteThenReadReturnsSameFiles) {
  std::string big(100000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 31);
  const std::vector<TarEntry> in = {{"xgboost-model", "{\"learner\":{}}"},
                                    {"empty", ""},
                                    {"dir/sub/big.bin", big},
                                    {"exact", std::string(512, 'a')}};
  auto gz = WriteTarGz(in, 1767225600);
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);
  auto out = ReadTarGz(*gz);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ((*out)[i].name, in[i].name);
    EXPECT_EQ((*out)[i].data, in[i].data);
  }
}

TEST(TarGzTest, SameFilesAndTimeGiveSameBytes) {
  const std::vector<TarEntry> in = {{"model.kiln", "abc"}};
  EXPECT_EQ(*WriteTarGz(in, 5), *WriteTarGz(in, 5));
}

TEST(TarGzTest, LongNamesUseTheUstarPrefix) {
  const std::string name = std::string(120, 'd') + "/" + std::string(90, 'f');
  auto out = ReadTarGz(*WriteTarGz(std::vector<TarEntry>{{name, "1"}}, 0));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].name, name);
}

TEST(TarGzTest, RejectsUnsafeOrOverlongNames) {
  for (const std::string& bad :
       std::vector<std::string>{"", "/etc/passwd", "../x", "a/../b", std::string(300, 'n')}) {
    EXPECT_FALSE(WriteTarGz(std::vector<TarEntry>{{bad, "1"}}, 0).ok()) << bad;
  }
}

TEST(TarGzTest, CorruptBytesAreCorruption) {
  auto gz = *WriteTarGz(std::vector<TarEntry>{{"a", std::string(2000, 'z')}}, 0);
  EXPECT_EQ(ReadTarGz(gz.substr(0, gz.size() / 2)).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadTarGz("not an archive").status().code(), StatusCode::kCorruption);
  std::string tar(1024, '\0');
  tar[0] = 'a';  // a header whose checksum is wrong
  EXPECT_EQ(ReadTarGz(tar).status().code(), StatusCode::kCorruption);
}

TEST(TarGzTest, GarbageIsCorruption) {
  auto files = ReadTarGz(std::string(2000, 'z'));
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code(), StatusCode::kCorruption);
  EXPECT_FALSE(ReadTarGz("short").ok());
}

TEST(TarGzTest, DropsALeadingDotSlash) {
  auto files = ReadTarGz(*WriteTarGz(std::vector<TarEntry>{{"./model.kiln", "m"}}, 0));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->at(0).name, "model.kiln");
}

TEST(TarGzTest, TheUnpackedSizeIsBounded) {
  const std::vector<TarEntry> in = {{"a", std::string(100000, 'a')}};
  auto gz = ReadTarGz(*WriteTarGz(in, 0), 50000);
  ASSERT_FALSE(gz.ok());
  EXPECT_EQ(gz.error().code(), StatusCode::kInvalidArgument);
  auto tar = ReadTarGz(std::string(100000, '\0'), 50000);  // an uncompressed .tar
  ASSERT_FALSE(tar.ok());
  EXPECT_EQ(tar.error().code(), StatusCode::kInvalidArgument);
}

TEST(TarGzTest, ReadsWhatGnuTarWrites) {
  if (std::system("tar --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "no tar on this machine";
  const auto dir = std::filesystem::temp_directory_path() / "kiln-tar-gz-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "src" / std::string(110, 'l'));
  std::ofstream(dir / "src" / "xgboost-model") << "model bytes";
  std::ofstream(dir / "src" / std::string(110, 'l') / "deep.txt") << "deep";
  const std::string cmd =
      "tar czf " + (dir / "a.tar.gz").string() + " -C " + (dir / "src").string() + " .";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir / "a.tar.gz", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto out = ReadTarGz(bytes.str());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::map<std::string, std::string> files;
  for (auto& f : *out)
    files[f.name] = f.data;
  EXPECT_EQ(files["xgboost-model"], "model bytes");
  EXPECT_EQ(files[std::string(110, 'l') + "/deep.txt"], "deep");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kiln
