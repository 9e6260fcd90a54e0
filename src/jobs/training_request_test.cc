#include "jobs/training_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "jobs/internal/training_test_util.h"

namespace kiln {
namespace {

using nlohmann::json;

json Minimal() {
  return TrainingTest::Request("job-1",
                               "683313688378.dkr.ecr.us-east-1.amazonaws.com/"
                               "sagemaker-xgboost:1.7-1",
                               {{"num_round", "5"}});
}

// The error message for `request`, or "" when it is valid.
std::string Error(const json& request) {
  auto spec = ParseTrainingJobRequest(request, nullptr);
  return spec.ok() ? "" : spec.error().message();
}

void ExpectError(const json& request, const std::string& part) {
  const std::string e = Error(request);
  EXPECT_NE(e.find(part), std::string::npos)
      << "error: \"" << e << "\", expected \"" << part << "\"";
}

TEST(TrainingRequestTest, AcceptsAMinimalRequestAndFillsDefaults) {
  json normalized;
  auto spec = ParseTrainingJobRequest(Minimal(), &normalized);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->name, "job-1");
  EXPECT_EQ(spec->algorithm, Algorithm::kXgboost);
  EXPECT_EQ(spec->max_runtime_seconds, 86400);
  EXPECT_EQ(spec->ModelArtifact().Uri(), "s3://models/out/job-1/output/model.tar.gz");
  EXPECT_EQ(spec->Channel("train")->source.key, "train/");
  EXPECT_EQ(normalized["ResourceConfig"],
            json({{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}, {"VolumeSizeInGB", 30}}));
  EXPECT_EQ(normalized["StoppingCondition"]["MaxRuntimeInSeconds"], 86400);
  EXPECT_EQ(normalized["OutputDataConfig"]["CompressionType"], "GZIP");
  const json& s3 = normalized["InputDataConfig"][0]["DataSource"]["S3DataSource"];
  EXPECT_EQ(s3["S3DataDistributionType"], "FullyReplicated");
  EXPECT_EQ(normalized["EnableManagedSpotTraining"], false);
  auto again = ParseTrainingJobRequest(normalized, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->hyperparameters, spec->hyperparameters);
}

TEST(TrainingRequestTest, JobNamesFollowTheSageMakerPattern) {
  for (const char* ok :
       {"a", "job-1", "A--b9", "x123456789012345678901234567890123456789012345678901234567890ab"}) {
    EXPECT_TRUE(IsValidJobName(ok)) << ok;
  }
  for (const char* bad : {"", "-a", "a-", "a_b", "a.b", "\xc3\xa9t\xc3\xa9",
                          "x1234567890123456789012345678901234567890123456789012345678901ab"}) {
    EXPECT_FALSE(IsValidJobName(bad)) << bad;
  }
  json r = Minimal();
  r["TrainingJobName"] = "bad_name";
  ExpectError(r, "TrainingJobName: \"bad_name\" must match");
}

TEST(TrainingRequestTest, RoleArnIsRequiredAndChecked) {
  json r = Minimal();
  r.erase("RoleArn");
  ExpectError(r, "RoleArn: is required");
  r["RoleArn"] = "kiln-role-kiln-role-kiln";
  ExpectError(r, "RoleArn: \"kiln-role-kiln-role-kiln\" is not an IAM role ARN");
}

TEST(TrainingRequestTest, ChannelsAreChecked) {
  json r = Minimal();
  r["InputDataConfig"][0]["ChannelName"] = "training";
  ExpectError(r, "a channel named \"train\" is required");
  r = Minimal();
  r["InputDataConfig"].push_back(TrainingTest::Channel("train", "again/"));
  ExpectError(r, "channel \"train\" is given twice");
  r = Minimal();
  r["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = "/local/path";
  ExpectError(r, "S3Uri: \"/local/path\" is not an S3 URI");
  r = Minimal();
  r["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3DataType"] = "ManifestFile";
  ExpectError(r, "\"ManifestFile\" is not supported by Kiln yet");
  r = Minimal();
  r.erase("InputDataConfig");
  ExpectError(r, "InputDataConfig: is required");
}

TEST(TrainingRequestTest, OnlyCsvContentTypesAreRead) {
  for (const char* ct :
       {"text/libsvm", "application/x-parquet", "application/x-recordio-protobuf"}) {
    json r = Minimal();
    r["InputDataConfig"][0]["ContentType"] = ct;
    ExpectError(r, "is not supported by Kiln yet");
  }
  json r = Minimal();
  r["InputDataConfig"][0]["ContentType"] = "text/csv; label_size=1";
  auto spec = ParseTrainingJobRequest(r, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->Channel("train")->label_size, 1);
  r["InputDataConfig"][0].erase("ContentType");
  EXPECT_TRUE(ParseTrainingJobRequest(r, nullptr).ok());
  r["InputDataConfig"][0]["ContentType"] = "text/csv;label_size=3";
  ExpectError(r, "parameter \"label_size=3\" is not supported");
  r["InputDataConfig"][0]["ContentType"] = "image/gif";
  ExpectError(r, "is not a content type Kiln reads");
}

TEST(TrainingRequestTest, OutputPathMustBeAnS3Uri) {
  json r = Minimal();
  r["OutputDataConfig"]["S3OutputPath"] = "https://example.com/x";
  ExpectError(r, "OutputDataConfig.S3OutputPath: \"https://example.com/x\" is not an S3 URI");
  r["OutputDataConfig"] = json::object();
  ExpectError(r, "OutputDataConfig.S3OutputPath: is required");
  r.erase("OutputDataConfig");
  ExpectError(r, "OutputDataConfig: is required");
}

TEST(TrainingRequestTest, ResourcesAndStoppingConditionAreChecked) {
  json r = Minimal();
  r["ResourceConfig"] = {{"InstanceType", "ml.m5.xlarge"}, {"InstanceCount", 2}};
  ExpectError(r, "ResourceConfig.InstanceCount: 2: Kiln trains on one instance");
  r = Minimal();
  r["StoppingCondition"] = {{"MaxRuntimeInSeconds", 0}};
  ExpectError(r, "StoppingCondition.MaxRuntimeInSeconds: 0 is below the minimum 1");
  r["StoppingCondition"] = {{"MaxRuntimeInSeconds", 60}};
  EXPECT_EQ(ParseTrainingJobRequest(r, nullptr)->max_runtime_seconds, 60);
  r["HyperParameters"]["num_round"] = 5;
  ExpectError(r, "HyperParameters.num_round: must be a string");
}

TEST(TrainingRequestTest, ImagesAndAlgorithmNamesResolve) {
  // The names and the repository-name rule are tested in src/images/builtin_image_test.cc.
  EXPECT_EQ(*ResolveAlgorithm(
                "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "", {}),
            Algorithm::kXgboost);
  EXPECT_EQ(*ResolveAlgorithm("registry.local:5000/team/kiln-random-forest:latest", "", {}),
            Algorithm::kKilnRandomForest);
  EXPECT_EQ(*ResolveAlgorithm("", "kiln-knn", {}), Algorithm::kKilnKnn);
  EXPECT_EQ(*ResolveAlgorithm("", "arn:aws:sagemaker:us-east-1:1:algorithm/kiln-pca", {}),
            Algorithm::kKilnPca);
}

TEST(TrainingRequestTest, ScriptModeAndUnknownImagesAreRejected) {
  auto sk = ResolveAlgorithm(
      "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3", "", {});
  ASSERT_FALSE(sk.ok());
  EXPECT_NE(sk.status().message().find("script mode"), std::string::npos);
  auto program =
      ResolveAlgorithm("sagemaker-xgboost:1.7-1", "", {{"sagemaker_program", "\"train.py\""}});
  ASSERT_FALSE(program.ok());
  EXPECT_NE(program.status().message().find("script mode is not supported yet"), std::string::npos);
  auto unknown =
      ResolveAlgorithm("123.dkr.ecr.us-east-1.amazonaws.com/forecasting-deepar:1", "", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("supported: sagemaker-xgboost, xgboost"),
            std::string::npos);
  EXPECT_FALSE(ResolveAlgorithm("xgboost", "xgboost", {}).ok());
  EXPECT_FALSE(ResolveAlgorithm("", "", {}).ok());
}

}  // namespace
}  // namespace kiln
