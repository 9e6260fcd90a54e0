#include "learn/model_file_format.h"

#include <gtest/gtest.h>

#include <string>

namespace kiln {
namespace {

constexpr ModelFileFormat kFormat{"test model", "KTST", 3, 12, " (retrain the model)"};

// Magic, version 3 (little endian), four more header bytes.
std::string Good() { return std::string("KTST\x03\0\0\0abcd", 12); }

TEST(ModelFileFormatTest, AcceptsItsOwnHeader) {
  EXPECT_TRUE(kFormat.CheckHeader(Good()).ok());
  EXPECT_TRUE(kFormat.CheckHeader(Good() + "payload").ok());
}

TEST(ModelFileFormatTest, NamesWhatIsWrongWithTheHeader) {
  Status s = kFormat.CheckHeader(Good().substr(0, 11));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "test model: truncated: 11 bytes, header needs 12");
  std::string bad = Good();
  bad[0] = 'X';
  EXPECT_EQ(kFormat.CheckHeader(bad).message(), "test model: bad magic");
  bad = Good();
  bad[5] = 1;
  EXPECT_EQ(kFormat.CheckHeader(bad).message(),
            "test model: unsupported version 259; this build reads 3 (retrain the model)");
}

TEST(ModelFileFormatTest, SizeMustMatchExactly) {
  EXPECT_TRUE(kFormat.CheckSize(Good(), 12).ok());
  Status s = kFormat.CheckSize(Good(), 20);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "test model: size 12 bytes, expected 20 (truncated or trailing data)");
}

TEST(ModelFileFormatTest, TaskAndClassCountMustBeTheExpectedOnes) {
  EXPECT_TRUE(kFormat.CheckTask(static_cast<std::uint8_t>(Task::kBinary), Task::kBinary).ok());
  EXPECT_EQ(kFormat.CheckTask(9, Task::kBinary).message(), "test model: bad task code 9");
  const std::string trained_for = std::string("test model: model was trained for ") +
                                  TaskName(Task::kRegression) + ", expected " +
                                  TaskName(Task::kBinary);
  EXPECT_EQ(
      kFormat.CheckTask(static_cast<std::uint8_t>(Task::kRegression), Task::kBinary).message(),
      trained_for);
  EXPECT_TRUE(kFormat.CheckClasses(3, 3).ok());
  EXPECT_EQ(kFormat.CheckClasses(4, 3).message(), "test model: model has 4 classes, expected 3");
}

}  // namespace
}  // namespace kiln
