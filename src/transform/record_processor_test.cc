// RecordProcessor: InputFilter, JoinSource and OutputFilter as SageMaker applies them to CSV and
// JSON records.
#include "transform/record_processor.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

RecordProcessor Make(MediaType content, MediaType accept, DataProcessingSpec spec) {
  auto p = RecordProcessor::Make(content, accept, spec);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

std::string ModelInput(const RecordProcessor& p, std::string_view record) {
  std::string out;
  Status s = p.AppendModelInput(record, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::string Output(const RecordProcessor& p, std::string_view input, std::string_view output) {
  std::string out;
  Status s = p.AppendOutput(input, output, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(RecordProcessorTest, CsvSplitsKeepQuotedCommas) {
  auto f = SplitCsvFields(R"(a,"b,c",,"d ""e""")");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1], R"("b,c")");
  EXPECT_EQ(f[2], "");
  EXPECT_EQ(f[3], R"("d ""e""")");
}

TEST(RecordProcessorTest, CsvInputFilterDropsTheIdColumnAndJoinAppendsTheOutput) {
  auto p = Make(MediaType::kCsv, MediaType::kCsv, {"$[1:]", "$[0,-1]", JoinSource::kInput});
  EXPECT_TRUE(p.filters_input());
  EXPECT_TRUE(p.per_record_output());
  EXPECT_EQ(ModelInput(p, R"("id,7",1.5,2)"), "1.5,2");
  EXPECT_EQ(Output(p, R"("id,7",1.5,2)", "0.25"), R"("id,7",0.25)");
  auto joined = Make(MediaType::kCsv, MediaType::kCsv, {"", "", JoinSource::kInput});
  EXPECT_FALSE(joined.filters_input());
  EXPECT_EQ(Output(joined, "1,2", "0.5,0.5"), "1,2,0.5,0.5");
}

TEST(RecordProcessorTest, JsonJoinPutsTheOutputUnderSageMakerOutput) {
  auto p =
      Make(MediaType::kJsonLines, MediaType::kJsonLines, {"$.features", "", JoinSource::kInput});
  EXPECT_EQ(ModelInput(p, R"({"id":"a","features":[1,2]})"), "[1,2]");
  EXPECT_EQ(Output(p, R"({"id":"a","features":[1,2]})", R"({"score":0.5})"),
            R"({"id":"a","features":[1,2],"SageMakerOutput":{"score":0.5}})");
  EXPECT_EQ(Output(p, "[1,2]", R"({"score":0.5})"),
            R"({"SageMakerInput":[1,2],"SageMakerOutput":{"score":0.5}})");
  auto filtered = Make(MediaType::kJsonLines, MediaType::kCsv,
                       {"", "$['id','SageMakerOutput']", JoinSource::kInput});
  EXPECT_EQ(Output(filtered, R"({"id":"a","features":[1,2]})", "0.5"),
            R"({"id":"a","SageMakerOutput":0.5})");
}

TEST(RecordProcessorTest, OutputFilterWithoutJoinFiltersTheOutputAlone) {
  auto p = Make(MediaType::kCsv, MediaType::kCsv, {"", "$[1]", JoinSource::kNone});
  EXPECT_EQ(Output(p, "ignored", "0.1,0.9"), "0.9");
  auto j = Make(MediaType::kCsv, MediaType::kJsonLines, {"", "$.score", JoinSource::kNone});
  EXPECT_EQ(Output(j, "", R"({"score":0.75})"), "0.75");
  auto none = Make(MediaType::kCsv, MediaType::kCsv, {"$", "", JoinSource::kNone});
  EXPECT_FALSE(none.filters_input());
  EXPECT_FALSE(none.per_record_output());
}

TEST(RecordProcessorTest, FiltersThatDoNotFitAreRefusedUpFront) {
  auto member_on_csv = RecordProcessor::Make(MediaType::kCsv, MediaType::kCsv,
                                             {"$.features", "", JoinSource::kNone});
  ASSERT_FALSE(member_on_csv.ok());
  EXPECT_NE(member_on_csv.error().message().find("DataProcessing.InputFilter"), std::string::npos);
  auto csv_join_json =
      RecordProcessor::Make(MediaType::kCsv, MediaType::kJson, {"", "", JoinSource::kInput});
  ASSERT_FALSE(csv_join_json.ok());
  EXPECT_NE(csv_join_json.error().message().find("Accept must be text/csv"), std::string::npos);
}

TEST(RecordProcessorTest, RecordErrorsNameTheFilter) {
  auto p = Make(MediaType::kCsv, MediaType::kCsv, {"$[3]", "", JoinSource::kNone});
  std::string out;
  Status s = p.AppendModelInput("1,2", &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("InputFilter \"$[3]\": index 3 is outside the record's 2 columns"),
            std::string::npos)
      << s.message();
  auto j =
      Make(MediaType::kJsonLines, MediaType::kJsonLines, {"$.features", "", JoinSource::kNone});
  EXPECT_FALSE(j.AppendModelInput("{not json", &out).ok());
}

}  // namespace
}  // namespace kiln
