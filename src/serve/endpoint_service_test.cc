// EndpointService's control plane: validation, not-found and duplicate errors in SageMaker's
// words, lists. The endpoint lifecycle and invocations are in endpoint_lifecycle_test.cc.
#include "serve/endpoint_service.h"

#include <gtest/gtest.h>

#include "serve/internal/serve_test_util.h"

namespace kiln {
namespace {

using serve_testing::CreateModelAndConfig;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::TrainBooster;

constexpr char kXgbImage[] = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

class EndpointServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = env_.OpenService();
    ASSERT_NE(service_, nullptr);
    const auto trained = TrainBooster(MakeData(60, 3, 2, 1), "binary:logistic", 2);
    url_ = env_.Upload("xgb/model.tar.gz", MakeTarGz({{"xgboost-model", trained.json_model}}));
  }

  ModelRecord Model(const std::string& name) const {
    ModelRecord m;
    m.name = name;
    m.container.image = kXgbImage;
    m.container.model_data_url = url_;
    return m;
  }

  std::string CreateModelError(const ModelRecord& m) {
    auto r = service_->CreateModel(m);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.error().message();
  }

  EndpointConfigRecord Config(const std::string& name, const std::string& model) const {
    EndpointConfigRecord c;
    c.name = name;
    VariantSpec v;
    v.variant_name = "AllTraffic";
    v.model_name = model;
    c.variants.push_back(v);
    return c;
  }

  std::string ConfigError(const EndpointConfigRecord& c) {
    auto r = service_->CreateEndpointConfig(c);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.error().message();
  }

  ServeEnv env_;
  std::unique_ptr<EndpointService> service_;
  std::string url_;
};

TEST_F(EndpointServiceTest, CreateModelFillsArnAndCreationTime) {
  auto m = service_->CreateModel(Model("Churn-Model"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->arn, "arn:aws:sagemaker:us-east-1:000000000000:model/churn-model");
  EXPECT_GT(m->creation_ms, 0);
  auto described = service_->DescribeModel("Churn-Model");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->container.model_data_url, url_);
}

TEST_F(EndpointServiceTest, CreateModelRefusesBadNames) {
  EXPECT_NE(CreateModelError(Model("bad_name")).find("regular expression"), std::string::npos);
  EXPECT_NE(CreateModelError(Model("-lead")).find("regular expression"), std::string::npos);
  EXPECT_NE(CreateModelError(Model(std::string(64, 'a'))).find("length"), std::string::npos);
}

TEST_F(EndpointServiceTest, CreateModelRefusesImagesThatAreNotBuiltIns) {
  ModelRecord m = Model("m");
  m.container.image = "123.dkr.ecr.us-east-1.amazonaws.com/my-own-image:latest";
  const std::string e = CreateModelError(m);
  EXPECT_NE(e.find("my-own-image"), std::string::npos) << e;
  EXPECT_NE(e.find("sagemaker-xgboost"), std::string::npos) << e;
  m.container.image = "";
  EXPECT_NE(CreateModelError(m).find("Image is required"), std::string::npos);
  m.container.image = "linear-learner:1";
  EXPECT_TRUE(service_->CreateModel(m).ok());
}

TEST_F(EndpointServiceTest, CreateModelNeedsModelDataThatExists) {
  ModelRecord m = Model("m");
  m.container.model_data_url = "s3://models/nothing-here.tar.gz";
  EXPECT_NE(CreateModelError(m).find("Could not find model data at s3://models/nothing-here"),
            std::string::npos);
  m.container.model_data_url = "s3://no-such-bucket/x.tar.gz";
  EXPECT_NE(CreateModelError(m).find("Could not find model data"), std::string::npos);
  m.container.model_data_url = "https://example.com/model.tar.gz";
  EXPECT_NE(CreateModelError(m).find("s3://bucket/key"), std::string::npos);
  m.container.model_data_url = "";
  EXPECT_NE(CreateModelError(m).find("ModelDataUrl is required"), std::string::npos);
}

TEST_F(EndpointServiceTest, CreateModelRefusesMultiModelMode) {
  ModelRecord m = Model("m");
  m.container.mode = "MultiModel";
  EXPECT_NE(CreateModelError(m).find("MultiModel"), std::string::npos);
}

TEST_F(EndpointServiceTest, DuplicatesAndUnknownsUseSageMakersWording) {
  ASSERT_TRUE(service_->CreateModel(Model("m")).ok());
  EXPECT_EQ(CreateModelError(Model("m")),
            "Cannot create already existing model "
            "\"arn:aws:sagemaker:us-east-1:000000000000:model/m\".");
  EXPECT_NE(CreateModelError(Model("M")).find("Cannot create already existing model \"arn:"),
            std::string::npos);
  auto missing = service_->DescribeModel("ghost");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.error().message(),
            "Could not find model \"arn:aws:sagemaker:us-east-1:000000000000:model/ghost\".");
  EXPECT_EQ(service_->DeleteModel("ghost").code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_->DeleteModel("m").ok());
  EXPECT_FALSE(service_->DescribeModel("m").ok());
}

TEST_F(EndpointServiceTest, EndpointConfigsValidateTheirVariants) {
  EXPECT_NE(ConfigError(Config("c", "ghost")).find("Could not find model"), std::string::npos);
  ASSERT_TRUE(service_->CreateModel(Model("m")).ok());
  EndpointConfigRecord c = Config("c", "m");
  c.variants.push_back(c.variants[0]);
  EXPECT_NE(ConfigError(c).find("more than once"), std::string::npos);
  c = Config("c", "m");
  c.variants[0].initial_instance_count = -1;
  EXPECT_NE(ConfigError(c).find("InitialInstanceCount -1 is outside 0..16"), std::string::npos);
  c = Config("c", "m");
  c.variants[0].initial_variant_weight = -1;
  EXPECT_NE(ConfigError(c).find("InitialVariantWeight"), std::string::npos);
  c = Config("c", "m");
  c.variants[0].variant_name = "all traffic";
  EXPECT_NE(ConfigError(c).find("variantName"), std::string::npos);
  c = Config("c", "m");
  c.variants.clear();
  EXPECT_NE(ConfigError(c).find("1 to 10"), std::string::npos);
  ASSERT_TRUE(service_->CreateEndpointConfig(Config("c", "m")).ok());
  EXPECT_NE(ConfigError(Config("c", "m")).find("already existing endpoint configuration"),
            std::string::npos);
  auto d = service_->DescribeEndpointConfig("c");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->arn, "arn:aws:sagemaker:us-east-1:000000000000:endpoint-config/c");
  EXPECT_EQ(d->variants.at(0).initial_variant_weight, 1.0);
  EXPECT_TRUE(service_->DeleteEndpointConfig("c").ok());
  EXPECT_NE(service_->DescribeEndpointConfig("c").error().message().find(
                "Could not find endpoint configuration"),
            std::string::npos);
}

TEST_F(EndpointServiceTest, CreateEndpointNeedsAConfigAndAFreeName) {
  auto missing = service_->CreateEndpoint("ep", "ghost", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("Could not find endpoint configuration"),
            std::string::npos);
  CreateModelAndConfig(*service_, "m", "c", url_);
  auto created = service_->CreateEndpoint("ep", "c", {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->status, EndpointStatus::kCreating);
  EXPECT_EQ(created->arn, "arn:aws:sagemaker:us-east-1:000000000000:endpoint/ep");
  auto again = service_->CreateEndpoint("ep", "c", {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(),
            "Cannot create already existing endpoint "
            "\"arn:aws:sagemaker:us-east-1:000000000000:endpoint/ep\".");
  auto ghost = service_->DescribeEndpoint("ghost");
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error().message(),
            "Could not find endpoint \"arn:aws:sagemaker:us-east-1:000000000000:endpoint/ghost\".");
  EXPECT_EQ(service_->DeleteEndpoint("ghost").code(), StatusCode::kNotFound);
  EXPECT_FALSE(service_->UpdateEndpoint("ghost", "c").ok());
}

TEST_F(EndpointServiceTest, ListsFilterSortAndPage) {
  for (const char* name : {"a-model", "b-model", "c-other"})
    ASSERT_TRUE(service_->CreateModel(Model(name)).ok());
  ListQuery q;
  q.name_contains = "MODEL";
  q.sort_by = ListSortBy::kName;
  q.ascending = true;
  q.max_results = 1;
  auto first = service_->ListModels(q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(first->items[0].name, "a-model");
  q.next_token = first->next_token;
  auto second = service_->ListModels(q);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].name, "b-model");
  EXPECT_TRUE(second->next_token.empty());
  ListQuery bad;
  bad.max_results = 1000;
  EXPECT_FALSE(service_->ListEndpoints(bad).ok());
}

TEST_F(EndpointServiceTest, OptionsAreValidated) {
  EndpointServiceOptions o;
  EXPECT_FALSE(o.Validate().ok());
  o.scratch_dir = "/tmp/x";
  EXPECT_TRUE(o.Validate().ok());
  o.account_id = "123";
  EXPECT_FALSE(o.Validate().ok());
}

}  // namespace
}  // namespace kiln
