#include "api/runtime_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <tuple>

#include "serve/endpoint_service.h"
#include "serve/internal/serve_test_util.h"

namespace kiln {
namespace {

using nlohmann::json;
using serve_testing::BoosterPredict;
using serve_testing::CreateModelAndConfig;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::TrainBooster;
using serve_testing::WaitSettled;

class RuntimeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = env_.OpenService();
    ASSERT_NE(service_, nullptr);
    data_ = MakeData(40, 3, 2, 5);
    trained_ = TrainBooster(data_, "binary:logistic", 4);
    CreateModelAndConfig(
        *service_, "m", "c",
        env_.Upload("m.tar.gz", MakeTarGz({{"xgboost-model", trained_.json_model}})));
    ASSERT_TRUE(service_->CreateEndpoint("ep", "c", {}).ok());
    ASSERT_EQ(WaitSettled(*service_, "ep").status, EndpointStatus::kInService);
  }

  HttpResponse Post(const std::string& endpoint, std::string_view body, HttpHeaders headers) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/endpoints/" + endpoint + "/invocations";
    r.target = r.path;
    r.headers = std::move(headers);
    r.request_id = "rid-7";
    return HandleInvokeEndpoint(*service_, r, body);
  }

  ServeEnv env_;
  std::unique_ptr<EndpointService> service_;
  serve_testing::TinyData data_;
  serve_testing::TrainedBooster trained_;
};

TEST_F(RuntimeApiTest, ACsvInvocationAnswersWithTheModelsScores) {
  const HttpResponse r = Post("ep", "0.1,0.2,0.3\n0.9,0.8,0.7\n", {{"Content-Type", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(FindHeader(r.headers, "Content-Type"), "text/csv");
  EXPECT_EQ(FindHeader(r.headers, "x-Amzn-Invoked-Production-Variant"), "AllTraffic");
  EXPECT_EQ(FindHeader(r.headers, "x-amzn-RequestId"), "rid-7");
  Matrix x(2, 3);
  x.values = {0.1f, 0.2f, 0.3f, 0.9f, 0.8f, 0.7f};
  const std::vector<float> want = BoosterPredict(trained_.booster, x);
  const std::size_t nl = r.body.find('\n');
  ASSERT_NE(nl, std::string::npos);
  EXPECT_NEAR(std::stod(r.body.substr(0, nl)), want[0], 1e-6);
  EXPECT_NEAR(std::stod(r.body.substr(nl + 1)), want[1], 1e-6);
}

TEST_F(RuntimeApiTest, AcceptChoosesJson) {
  const HttpResponse r =
      Post("ep", "0.1,0.2,0.3", {{"Content-Type", "text/csv"}, {"Accept", "application/json"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(FindHeader(r.headers, "Content-Type"), "application/json");
  EXPECT_TRUE(json::parse(r.body)["predictions"][0]["score"].is_number());
}

TEST_F(RuntimeApiTest, UnknownEndpointsAndBadRowsAreValidationErrors) {
  HttpResponse r = Post("ghost", "1,2,3", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(FindHeader(r.headers, "x-amzn-ErrorType"), "ValidationError");
  EXPECT_EQ(json::parse(r.body)["message"], "Endpoint ghost of account 000000000000 not found.");
  r = Post("ep", "1,2", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("line 1"), std::string::npos);
  r = Post("ep", "1,2,3", {{"Content-Type", "text/csv"}, {"X-Amzn-SageMaker-Target-Variant", "B"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(FindHeader(r.headers, "x-amzn-ErrorType"), "ValidationError");
  r = Post("ep", std::string(6291457, '1'), {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 400);
  r = Post("bad_name", "1,2,3", {});
  EXPECT_EQ(r.status, 400);
}

TEST_F(RuntimeApiTest, EmptyBodiesAndNonNumbersAreValidationErrorsAndServingGoesOn) {
  HttpResponse r = Post("ep", "", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("empty"), std::string::npos);
  r = Post("ep", "1,x,3", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("not a number"),
            std::string::npos);
  EXPECT_EQ(Post("ep", "0.1,0.2,0.3", {{"Content-Type", "text/csv"}}).status, 200);
}

TEST_F(RuntimeApiTest, OptionalHeadersAreCheckedAndUnsupportedKindsOfEndpointRefused) {
  const std::string row = "0.1,0.2,0.3\n";
  const auto post = [&](const char* header, std::string value) {
    return Post("ep", row, {{"Content-Type", "text/csv"}, {header, std::move(value)}});
  };
  EXPECT_EQ(post("X-Amzn-SageMaker-Inference-Id", "order-42").status, 200);
  EXPECT_EQ(post("X-Amzn-SageMaker-Custom-Attributes", "trace=1;c=2").status, 200);
  for (const auto& [header, value, words] :
       {std::tuple{"X-Amzn-SageMaker-Inference-Id", std::string(65, 'a'), "inferenceId"},
        std::tuple{"X-Amzn-SageMaker-Inference-Id", std::string(" lead"), "inferenceId"},
        std::tuple{"X-Amzn-SageMaker-Custom-Attributes", std::string(1025, 'a'),
                   "customAttributes"},
        std::tuple{"X-Amzn-SageMaker-Target-Model", std::string("m1.tar.gz"), "multi-model"},
        std::tuple{"X-Amzn-SageMaker-Target-Container-Hostname", std::string("c1"),
                   "multi-container"},
        std::tuple{"X-Amzn-SageMaker-Enable-Explanations", std::string("`true`"), "Clarify"}}) {
    const HttpResponse r = post(header, value);
    EXPECT_EQ(r.status, 400) << header;
    EXPECT_NE(r.body.find("ValidationError"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(words), std::string::npos) << r.body;
  }
}

TEST_F(RuntimeApiTest, MetricsAreServedAsPrometheusTextAndJson) {
  ASSERT_EQ(Post("ep", "0.1,0.2,0.3", {{"Content-Type", "text/csv"}}).status, 200);
  ASSERT_EQ(Post("ep", "1,2", {{"Content-Type", "text/csv"}}).status, 400);
  const HttpResponse text = HandleMetricsText(*service_);
  EXPECT_EQ(text.status, 200);
  EXPECT_NE(
      text.body.find("kiln_endpoint_invocations_total{endpoint=\"ep\",variant=\"AllTraffic\"} 2\n"),
      std::string::npos)
      << text.body;
  EXPECT_NE(text.body.find("kiln_endpoint_invocation_4xx_errors_total{endpoint=\"ep\",variant="
                           "\"AllTraffic\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.body.find("kiln_endpoint_overhead_latency_seconds_count{endpoint=\"ep\",variant="
                           "\"AllTraffic\"} 2\n"),
            std::string::npos);
  HttpRequest get;
  get.method = "GET";
  get.path = "/kiln/v1/endpoints/ep/metrics";
  std::optional<HttpResponse> one = EndpointMetricsRoute(*service_, get);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->status, 200);
  const json j = json::parse(one->body);
  EXPECT_EQ(j["ProductionVariants"][0]["Invocations"], 2);
  EXPECT_EQ(j["ProductionVariants"][0]["CurrentInstanceCount"], 1);
  get.path = "/kiln/v1/endpoints/metrics";
  EXPECT_EQ(json::parse(EndpointMetricsRoute(*service_, get)->body)["Endpoints"].size(), 1u);
  get.path = "/kiln/v1/endpoints/ghost/metrics";
  EXPECT_EQ(EndpointMetricsRoute(*service_, get)->status, 404);
  get.path = "/kiln/v1/training-jobs/x/logs";
  EXPECT_FALSE(EndpointMetricsRoute(*service_, get).has_value());
}

TEST_F(RuntimeApiTest, AnUnsupportedContentTypeIsAModelErrorWith415) {
  const HttpResponse r = Post("ep", "xx", {{"Content-Type", "application/x-npy"}});
  EXPECT_EQ(r.status, 424);
  EXPECT_EQ(FindHeader(r.headers, "x-amzn-ErrorType"), "ModelError");
  const json body = json::parse(r.body);
  EXPECT_EQ(body["OriginalStatusCode"], 415);
  EXPECT_NE(body["message"].get<std::string>().find("Received client error (415)"),
            std::string::npos);
  EXPECT_NE(body["OriginalMessage"].get<std::string>().find("application/x-npy"),
            std::string::npos);
  const HttpResponse a =
      Post("ep", "1,2,3", {{"Content-Type", "text/csv"}, {"Accept", "application/x-protobuf"}});
  EXPECT_EQ(a.status, 424);
  EXPECT_EQ(json::parse(a.body)["OriginalStatusCode"], 406);
}

TEST_F(RuntimeApiTest, AMalformedPathIsRefused) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/endpoints//invocations";
  EXPECT_EQ(HandleInvokeEndpoint(*service_, r, "1").status, 400);
  r.path = "/other";
  EXPECT_EQ(HandleInvokeEndpoint(*service_, r, "1").status, 400);
}

}  // namespace
}  // namespace kiln
