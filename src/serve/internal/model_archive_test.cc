#include "serve/model_archive.h"

#include <gtest/gtest.h>

#include "serve/internal/serve_test_util.h"

namespace kiln {
namespace {

using serve_testing::MakeTarGz;

TEST(ModelArchive, ReadsTheFilesOfATarGz) {
  const std::string big(70000, 'x');
  auto files = ReadModelArchive(MakeTarGz({{"xgboost-model", "abc"}, {"code/x.py", big}}), 1 << 20);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].name, "xgboost-model");
  EXPECT_EQ((*files)[0].data, "abc");
  EXPECT_EQ((*files)[1].name, "code/x.py");
  EXPECT_EQ((*files)[1].data, big);
}

TEST(ModelArchive, DropsALeadingDotSlash) {
  auto files = ReadModelArchive(MakeTarGz({{"./model.kiln", "m"}}), 1 << 20);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->at(0).name, "model.kiln");
}

TEST(ModelArchive, GarbageIsCorruption) {
  auto files = ReadModelArchive(std::string(2000, 'z'), 1 << 20);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code(), StatusCode::kCorruption);
  EXPECT_FALSE(ReadModelArchive("short", 1 << 20).ok());
}

TEST(ModelArchive, TruncatedGzipIsCorruption) {
  std::string gz = MakeTarGz({{"xgboost-model", std::string(5000, 'q')}});
  gz.resize(gz.size() / 2);
  auto files = ReadModelArchive(gz, 1 << 20);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code(), StatusCode::kCorruption) << files.error().ToString();
}

TEST(ModelArchive, TheUnpackedSizeIsBounded) {
  auto files = ReadModelArchive(MakeTarGz({{"a", std::string(100000, 'a')}}), 50000);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kiln
