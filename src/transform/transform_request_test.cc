// ParseTransformJobRequest: defaults, validation in SageMaker's words, and output naming.
#include "transform/transform_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kiln {
namespace {

using nlohmann::json;

json Request() {
  return json::parse(R"({
    "TransformJobName": "score-1", "ModelName": "churn",
    "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                       "S3Uri": "s3://data/in/"}}},
    "TransformOutput": {"S3OutputPath": "s3://data/out/"},
    "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1}})");
}

std::string Error(const json& request) {
  auto spec = ParseTransformJobRequest(request, nullptr);
  EXPECT_FALSE(spec.ok());
  return spec.ok() ? "" : spec.error().message();
}

TEST(TransformRequestTest, DefaultsFollowSageMaker) {
  json normalized;
  auto spec = ParseTransformJobRequest(Request(), &normalized);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->content_type, MediaType::kCsv);
  EXPECT_EQ(spec->accept, MediaType::kCsv);
  EXPECT_EQ(spec->split, SplitType::kNone);
  EXPECT_EQ(spec->strategy, BatchStrategy::kSingleRecord);
  EXPECT_EQ(spec->max_payload_mb, 6);
  EXPECT_EQ(spec->output.key, "out");
  EXPECT_EQ(normalized["MaxPayloadInMB"], 6);
  EXPECT_EQ(normalized["TransformInput"]["SplitType"], "None");
  EXPECT_EQ(normalized["TransformOutput"]["Accept"], "text/csv");
  json line = Request();
  line["TransformInput"]["SplitType"] = "Line";
  line["MaxPayloadInMB"] = 0;
  auto lined = ParseTransformJobRequest(line, nullptr);
  ASSERT_TRUE(lined.ok());
  EXPECT_EQ(lined->strategy, BatchStrategy::kMultiRecord);
  EXPECT_EQ(lined->max_payload_mb, 100);
  json any = Request();
  any["TransformInput"]["ContentType"] = "application/jsonlines";
  any["TransformOutput"]["Accept"] = "*/*";
  auto negotiated = ParseTransformJobRequest(any, nullptr);
  ASSERT_TRUE(negotiated.ok());
  EXPECT_EQ(negotiated->accept, MediaType::kJsonLines);
}

TEST(TransformRequestTest, OutputsAreNamedRelativeToTheInputDirectory) {
  auto spec = ParseTransformJobRequest(Request(), nullptr);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(RelativeName(*spec, "in/a.csv"), "a.csv");
  EXPECT_EQ(RelativeName(*spec, "in/sub/b.csv"), "sub/b.csv");
  EXPECT_EQ(OutputKey(*spec, "sub/b.csv"), "out/sub/b.csv.out");
  json object = Request();
  object["TransformInput"]["DataSource"]["S3DataSource"] = {{"S3DataType", "S3Object"},
                                                            {"S3Uri", "s3://data/in/x.csv"}};
  object["TransformOutput"]["S3OutputPath"] = "s3://results";
  auto single = ParseTransformJobRequest(object, nullptr);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(OutputKey(*single, RelativeName(*single, "in/x.csv")), "x.csv.out");
}

TEST(TransformRequestTest, BadMembersAreNamed) {
  json r = Request();
  r.erase("ModelName");
  EXPECT_NE(Error(r).find("'modelName'"), std::string::npos);
  r = Request();
  r["TransformJobName"] = "bad_name";
  EXPECT_NE(Error(r).find("transformJobName"), std::string::npos);
  r = Request();
  r["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] = "data/in/";
  EXPECT_NE(Error(r).find("is not an S3 URI"), std::string::npos);
  r = Request();
  r["TransformInput"]["SplitType"] = "RecordIO";
  EXPECT_NE(Error(r).find("not supported by Kiln yet"), std::string::npos);
  r = Request();
  r["TransformInput"]["SplitType"] = "Lines";
  EXPECT_NE(Error(r).find("transformInput.splitType"), std::string::npos);
  r = Request();
  r["TransformInput"]["ContentType"] = "application/x-parquet";
  EXPECT_NE(Error(r).find("TransformInput.ContentType"), std::string::npos);
  r = Request();
  r["MaxPayloadInMB"] = 101;
  EXPECT_NE(Error(r).find("between 0 and 100"), std::string::npos);
  r = Request();
  r["DataProcessing"] = {{"InputFilter", "$.features"}};
  EXPECT_NE(Error(r).find("DataProcessing.InputFilter"), std::string::npos);
  r = Request();
  r["TransformResources"].erase("InstanceCount");
  EXPECT_NE(Error(r).find("transformResources.instanceCount"), std::string::npos);
  r = Request();
  r["TransformInput"]["DataSource"]["S3DataSource"]["S3DataType"] = "S3Object";
  r["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] = "s3://data";
  EXPECT_NE(Error(r).find("names no object"), std::string::npos);
}

}  // namespace
}  // namespace kiln
