#include "jobs/csv_dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace kiln {
namespace {

class CsvDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kiln-csv-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ChannelFile File(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return {path, "s3://data/train/" + name};
  }

  static CsvLayout Layout(LabelRule rule = LabelRule::kValue, int classes = 0) {
    CsvLayout l;
    l.channel = "train";
    l.label_rule = rule;
    l.num_classes = classes;
    return l;
  }

  std::filesystem::path dir_;
};

TEST_F(CsvDatasetTest, LabelFirstWithoutHeaderAcrossFiles) {
  auto d =
      ReadCsvChannel({File("a.csv", "1,2,3\n4,5,6\n"), File("b.csv", "\n7,8,9\n\n")}, Layout());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->x.rows, 3u);
  EXPECT_EQ(d->x.cols, 2u);
  EXPECT_EQ(d->y, (std::vector<float>{1, 4, 7}));
  EXPECT_EQ(d->x.at(2, 1), 9);
  EXPECT_EQ(d->feature_names, (std::vector<std::string>{"f0", "f1"}));
  EXPECT_EQ(d->files, 2u);
}

TEST_F(CsvDatasetTest, HeaderWithTargetColumnTakesTheLabelByName) {
  CsvLayout l = Layout();
  l.target = "price";
  auto d = ReadCsvChannel({File("a.csv", "size,price,age\n10,100,1\n20,200,2\n")}, l);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->y, (std::vector<float>{100, 200}));
  EXPECT_EQ(d->feature_names, (std::vector<std::string>{"size", "age"}));
  EXPECT_EQ(d->x.at(1, 1), 2);
}

TEST_F(CsvDatasetTest, MissingTargetColumnIsNamed) {
  CsvLayout l = Layout();
  l.target = "y";
  auto d = ReadCsvChannel({File("a.csv", "a,b\n1,2\n")}, l);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("target column \"y\""), std::string::npos);
}

TEST_F(CsvDatasetTest, WrongFieldCountNamesObjectAndLine) {
  auto d = ReadCsvChannel({File("a.csv", "1,2,3\n4,5\n")}, Layout());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("object \"s3://data/train/a.csv\", line 2: 2 fields, "
                                      "expected 3"),
            std::string::npos)
      << d.status().message();
}

TEST_F(CsvDatasetTest, NonNumericValueNamesLineAndColumn) {
  auto d = ReadCsvChannel({File("a.csv", "1,2,3\r\n4,abc,6\r\n")}, Layout());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("line 2, column 2: \"abc\" is not a number"),
            std::string::npos)
      << d.status().message();
}

TEST_F(CsvDatasetTest, EmptyFeatureIsMissingButEmptyLabelFails) {
  auto d = ReadCsvChannel({File("a.csv", "1,,3\n")}, Layout());
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(std::isnan(d->x.at(0, 0)));
  auto bad = ReadCsvChannel({File("b.csv", ",2,3\n")}, Layout());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("label is missing"), std::string::npos);
}

TEST_F(CsvDatasetTest, ClassLabelsMustBeClassIndices) {
  auto d = ReadCsvChannel({File("a.csv", "0,1\n1,2\n2,3\n")}, Layout(LabelRule::kClassIndex, 2));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("line 3, column 1: label 2 is not a class index in 0..1"),
            std::string::npos)
      << d.status().message();
  EXPECT_FALSE(ReadCsvChannel({File("b.csv", "0.5,1\n")}, Layout(LabelRule::kAnyClass)).ok());
}

TEST_F(CsvDatasetTest, QuotedFieldsBomAndInfinity) {
  auto d = ReadCsvChannel({File("a.csv", "\xEF\xBB\xBF\"1\", \"2.5\" ,3\n")}, Layout());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->y[0], 1);
  EXPECT_FLOAT_EQ(d->x.at(0, 0), 2.5f);
  EXPECT_FALSE(ReadCsvChannel({File("b.csv", "1,inf\n")}, Layout()).ok());
  EXPECT_FALSE(ReadCsvChannel({File("c.csv", "1,\"2\n")}, Layout()).ok());
}

TEST_F(CsvDatasetTest, UnsupervisedReadsEveryColumnUnlessLabelSizeOne) {
  CsvLayout l = Layout(LabelRule::kNone);
  l.label_columns = 0;
  auto d = ReadCsvChannel({File("a.csv", "1,2\n3,4\n")}, l);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->x.cols, 2u);
  EXPECT_TRUE(d->y.empty());
  l.label_columns = 1;
  auto dropped = ReadCsvChannel({File("b.csv", "x,2\ny,4\n")}, l);
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(dropped->x.cols, 1u);
}

TEST_F(CsvDatasetTest, ValidationMustMatchTheTrainShape) {
  CsvLayout l = Layout();
  l.channel = "validation";
  l.expected_fields = 3;
  auto d = ReadCsvChannel({File("v.csv", "1,2\n")}, l);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("as in the train channel"), std::string::npos);
  EXPECT_FALSE(ReadCsvChannel({File("empty.csv", "\n\n")}, Layout()).ok());
}

}  // namespace
}  // namespace kiln
