// The endpoint lifecycle end to end on a real database and object store: create, wait, invoke in
// every format against the booster's own predictions, update (with requests in flight), capacity
// changes, delete, failures, and restarts.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "serve/endpoint_service.h"
#include "serve/internal/serve_test_util.h"

namespace kiln {
namespace {

using serve_testing::BoosterPredict;
using serve_testing::CreateModelAndConfig;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::ToCsv;
using serve_testing::TrainBooster;
using serve_testing::TrainedBooster;
using serve_testing::TrainKilnModel;
using serve_testing::WaitSettled;

std::vector<double> SplitNumbers(const std::string& text) {
  std::vector<double> out;
  std::string cell;
  std::stringstream in(text);
  while (std::getline(in, cell, '\n')) {
    std::stringstream row(cell);
    std::string v;
    while (std::getline(row, v, ','))
      out.push_back(std::strtod(v.c_str(), nullptr));
  }
  return out;
}

class EndpointLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = env_.OpenService();
    ASSERT_NE(service_, nullptr);
    data_ = MakeData(120, 4, 2, 11);
    first_ = TrainBooster(data_, "binary:logistic", 6);
    second_ = TrainBooster(data_, "binary:logistic", 1);
    first_url_ =
        env_.Upload("first/model.tar.gz", MakeTarGz({{"xgboost-model", first_.json_model}}));
    second_url_ =
        env_.Upload("second/model.tar.gz", MakeTarGz({{"xgboost-model", second_.binary_model}}));
  }

  // Creates model, config and endpoint `name` on `url`; waits until it settles.
  EndpointRecord Deploy(const std::string& name, const std::string& url, int instances = 1) {
    CreateModelAndConfig(*service_, name + "-model", name + "-config", url,
                         "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                         instances);
    auto e = service_->CreateEndpoint(name, name + "-config", {{"k", "v"}});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return WaitSettled(*service_, name);
  }

  Result<InvokeResponse> Invoke(const std::string& endpoint, std::string_view body,
                                std::string_view content_type = "text/csv",
                                std::string_view accept = "", std::string_view variant = "") {
    return service_->Invoke({endpoint, variant, content_type, accept, body});
  }

  std::string InvokeError(const std::string& endpoint, std::string_view body,
                          std::string_view content_type, const char* reason,
                          std::string_view accept = "", std::string_view variant = "") {
    auto r = Invoke(endpoint, body, content_type, accept, variant);
    EXPECT_FALSE(r.ok());
    if (r.ok())
      return "";
    EXPECT_EQ(r.error().reason(), reason) << r.error().ToString();
    return r.error().message();
  }

  void ExpectMatches(const std::vector<double>& got, const std::vector<float>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_NEAR(got[i], want[i], 1e-6) << "row " << i;
  }

  ServeEnv env_;
  std::unique_ptr<EndpointService> service_;
  serve_testing::TinyData data_;
  TrainedBooster first_;
  TrainedBooster second_;
  std::string first_url_;
  std::string second_url_;
};

TEST_F(EndpointLifecycleTest, AnXgboostEndpointServesCsvJsonAndJsonLinesLikeTheBooster) {
  const EndpointRecord e = Deploy("ep", first_url_);
  ASSERT_EQ(e.status, EndpointStatus::kInService) << e.failure_reason;
  EXPECT_GT(e.current.variants.at(0).deployed_ms, 0);
  const std::vector<float> want = BoosterPredict(first_.booster, data_.x);

  auto csv = Invoke("ep", ToCsv(data_.x));
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->content_type, "text/csv");
  EXPECT_EQ(csv->variant, "AllTraffic");
  ExpectMatches(SplitNumbers(csv->body), want);

  nlohmann::json instances = nlohmann::json::array();
  std::string jsonl;
  for (std::size_t r = 0; r < data_.x.rows; ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (float v : data_.x.row(r))
      row.push_back(v);
    instances.push_back({{"features", row}});
    jsonl += row.dump() + "\n";
  }
  auto json = Invoke("ep", nlohmann::json{{"instances", instances}}.dump(), "application/json");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->content_type, "application/json");
  std::vector<double> scores;
  const nlohmann::json parsed = nlohmann::json::parse(json->body);
  for (const auto& p : parsed["predictions"])
    scores.push_back(p["score"].get<double>());
  ExpectMatches(scores, want);

  auto lines = Invoke("ep", jsonl, "application/jsonlines");
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  EXPECT_EQ(lines->content_type, "application/jsonlines");
  scores.clear();
  std::stringstream in(lines->body);
  for (std::string line; std::getline(in, line);)
    scores.push_back(nlohmann::json::parse(line)["score"].get<double>());
  ExpectMatches(scores, want);

  auto csv_as_json = Invoke("ep", ToCsv(data_.x), "text/csv", "application/json");
  ASSERT_TRUE(csv_as_json.ok());
  EXPECT_EQ(csv_as_json->content_type, "application/json");
}

TEST_F(EndpointLifecycleTest, UpdateEndpointSwitchesModelsWithoutFailingARequest) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  CreateModelAndConfig(*service_, "second-model", "second-config", second_url_);
  const std::string row = ToCsv(data_.x).substr(0, ToCsv(data_.x).find('\n'));
  const double first_score = BoosterPredict(first_.booster, data_.x)[0];
  const double second_score = BoosterPredict(second_.booster, data_.x)[0];
  ASSERT_GT(std::abs(first_score - second_score), 1e-3);

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> served{0};
  std::string first_error;  // written by the client thread only, read after it is joined
  std::thread client([&] {
    while (!stop) {
      auto r = Invoke("ep", row);
      if (!r.ok() && failures++ == 0)
        first_error = r.status().ToString();
      ++served;
    }
  });
  auto updated = service_->UpdateEndpoint("ep", "second-config");
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->status, EndpointStatus::kUpdating);
  ASSERT_TRUE(updated->pending.has_value());
  const EndpointRecord after = WaitSettled(*service_, "ep");
  while (served < 50)
    std::this_thread::yield();
  stop = true;
  client.join();
  EXPECT_EQ(failures.load(), 0) << first_error;
  EXPECT_EQ(after.status, EndpointStatus::kInService) << after.failure_reason;
  EXPECT_EQ(after.current.config_name, "second-config");
  EXPECT_FALSE(after.pending.has_value());
  auto r = Invoke("ep", row);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(std::strtod(r->body.c_str(), nullptr), second_score, 1e-6);
}

TEST_F(EndpointLifecycleTest, AFailedUpdateKeepsServingTheOldConfig) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  const std::string bad =
      env_.Upload("bad/model.tar.gz", MakeTarGz({{"readme", "x"}, {"notes", "y"}}));
  CreateModelAndConfig(*service_, "bad-model", "bad-config", bad);
  ASSERT_TRUE(service_->UpdateEndpoint("ep", "bad-config").ok());
  const EndpointRecord after = WaitSettled(*service_, "ep");
  EXPECT_EQ(after.status, EndpointStatus::kInService);
  EXPECT_EQ(after.current.config_name, "ep-config");
  EXPECT_NE(after.failure_reason.find("bad-config"), std::string::npos) << after.failure_reason;
  EXPECT_NE(after.failure_reason.find("neither xgboost-model nor model.kiln"), std::string::npos);
  EXPECT_TRUE(Invoke("ep", "0.1,0.2,0.3,0.4").ok());
}

TEST_F(EndpointLifecycleTest, UpdateIsRefusedWhileNotInService) {
  const std::string corrupt = env_.Upload("corrupt.tar.gz", "not a tarball at all");
  ASSERT_EQ(Deploy("ep", corrupt).status, EndpointStatus::kFailed);
  EXPECT_FALSE(service_->UpdateEndpoint("ep", "ep-config").ok());
  EXPECT_FALSE(service_->UpdateEndpointWeightsAndCapacities("ep", {{"AllTraffic", 1.0, {}}}).ok());
}

TEST_F(EndpointLifecycleTest, DeleteEndpointStopsServingAndForgetsIt) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  ASSERT_TRUE(service_->DeleteEndpoint("ep").ok());
  EXPECT_NE(InvokeError("ep", "1,2,3,4", "text/csv", kInvokeValidationError)
                .find("Endpoint ep of account 000000000000 not found."),
            std::string::npos);
  service_->WaitIdle();
  auto d = service_->DescribeEndpoint("ep");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message().find("Could not find endpoint"), std::string::npos);
  EXPECT_TRUE(service_->CreateEndpoint("ep", "ep-config", {}).ok());
  EXPECT_EQ(WaitSettled(*service_, "ep").status, EndpointStatus::kInService);
}

TEST_F(EndpointLifecycleTest, DeletingTheModelAndConfigLeavesTheEndpointRunning) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  ASSERT_TRUE(service_->DeleteEndpointConfig("ep-config").ok());
  ASSERT_TRUE(service_->DeleteModel("ep-model").ok());
  EXPECT_TRUE(Invoke("ep", "0.1,0.2,0.3,0.4").ok());
  EXPECT_EQ(service_->DescribeEndpoint("ep")->current.config_name, "ep-config");
}

TEST_F(EndpointLifecycleTest, ACorruptArchiveFailsTheEndpointWithAReason) {
  const std::string corrupt = env_.Upload("corrupt/model.tar.gz", "\x1f\x8b garbage");
  const EndpointRecord e = Deploy("ep", corrupt);
  EXPECT_EQ(e.status, EndpointStatus::kFailed);
  EXPECT_NE(e.failure_reason.find("variant \"AllTraffic\", model \"ep-model\""), std::string::npos)
      << e.failure_reason;
  EXPECT_NE(e.failure_reason.find("not a readable model.tar.gz"), std::string::npos)
      << e.failure_reason;
  EXPECT_NE(InvokeError("ep", "1,2,3,4", "text/csv", kInvokeValidationError).find("not found"),
            std::string::npos);
}

TEST_F(EndpointLifecycleTest, APickledBoosterFailsWithHowToResaveIt) {
  const std::string pickle = std::string("\x80\x04\x95\x10\x00\x00\x00", 7) + "xgboost.core";
  const EndpointRecord e =
      Deploy("ep", env_.Upload("pickle/model.tar.gz", MakeTarGz({{"xgboost-model", pickle}})));
  EXPECT_EQ(e.status, EndpointStatus::kFailed);
  EXPECT_NE(e.failure_reason.find("booster.save_model"), std::string::npos) << e.failure_reason;
}

TEST_F(EndpointLifecycleTest, BadRequestsGetTheRuntimesErrors) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  EXPECT_NE(InvokeError("ep", "1,2,3\n", "text/csv", kInvokeValidationError)
                .find("line 1: 3 values, the model takes 4"),
            std::string::npos);
  EXPECT_NE(
      InvokeError("ep", "1,2,x,4\n", "text/csv", kInvokeValidationError).find("line 1, column 3"),
      std::string::npos);
  EXPECT_NE(InvokeError("ep", "", "text/csv", kInvokeValidationError).find("empty"),
            std::string::npos);
  EXPECT_NE(InvokeError("ep", "1,2,3,4", "application/x-npy", kInvokeUnsupportedMediaType)
                .find("application/x-npy"),
            std::string::npos);
  EXPECT_NE(
      InvokeError("ep", "1,2,3,4", "text/csv", kInvokeNotAcceptable, "image/png").find("image/png"),
      std::string::npos);
  EXPECT_NE(InvokeError("ep", std::string(6291457, '1'), "text/csv", kInvokeValidationError)
                .find("at most 6291456"),
            std::string::npos);
  EXPECT_NE(InvokeError("ghost", "1,2,3,4", "text/csv", kInvokeValidationError)
                .find("Endpoint ghost of account 000000000000 not found."),
            std::string::npos);
  EXPECT_NE(
      InvokeError("ep", "1,2,3,4", "text/csv", kInvokeValidationError, "", "Nope").find("Nope"),
      std::string::npos);
  EXPECT_TRUE(Invoke("ep", "1,2,3,4", "text/csv", "", "AllTraffic").ok());
}

TEST_F(EndpointLifecycleTest, WeightsAndTargetVariantsRouteTraffic) {
  CreateModelAndConfig(*service_, "m1", "unused1", first_url_);
  CreateModelAndConfig(*service_, "m2", "unused2", second_url_);
  EndpointConfigRecord c;
  c.name = "ab";
  VariantSpec a;
  a.variant_name = "A";
  a.model_name = "m1";
  a.initial_variant_weight = 3;
  VariantSpec b = a;
  b.variant_name = "B";
  b.model_name = "m2";
  b.initial_variant_weight = 1;
  b.initial_instance_count = 2;
  c.variants = {a, b};
  ASSERT_TRUE(service_->CreateEndpointConfig(c).ok());
  ASSERT_TRUE(service_->CreateEndpoint("ab", "ab", {}).ok());
  ASSERT_EQ(WaitSettled(*service_, "ab").status, EndpointStatus::kInService);
  // The variant that answered, or the error.
  const auto answered = [&](Result<InvokeResponse> r) {
    return r.ok() ? r->variant : "error: " + r.status().ToString();
  };
  std::map<std::string, int> hits;
  for (int i = 0; i < 400; ++i)
    ++hits[answered(Invoke("ab", "0.1,0.2,0.3,0.4"))];
  EXPECT_NEAR(hits["A"], 300, 50);
  EXPECT_NEAR(hits["B"], 100, 50);
  EXPECT_EQ(hits.size(), 2u) << (hits.rbegin()->first);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(answered(Invoke("ab", "0.1,0.2,0.3,0.4", "text/csv", "", "B")), "B");

  auto changed = service_->UpdateEndpointWeightsAndCapacities(
      "ab", {{"A", 0.0, std::nullopt}, {"B", std::nullopt, 3}});
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->status, EndpointStatus::kInService);  // live: no Updating, no swap of models
  service_->WaitIdle();  // the instance worker loads B's two new instances
  const EndpointRecord after = WaitSettled(*service_, "ab");
  ASSERT_EQ(after.status, EndpointStatus::kInService) << after.failure_reason;
  EXPECT_EQ(after.current.variants[0].weight, 0.0);
  EXPECT_EQ(after.current.variants[1].instance_count, 3);
  EXPECT_EQ(after.current.variants[1].live_instances, 3);
  EXPECT_EQ(after.current.variants[1].live_desired_instances, 3);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(answered(Invoke("ab", "0.1,0.2,0.3,0.4")), "B");
  EXPECT_EQ(answered(Invoke("ab", "0.1,0.2,0.3,0.4", "text/csv", "", "A")), "A");
  EXPECT_FALSE(service_->UpdateEndpointWeightsAndCapacities("ab", {{"C", 1.0, {}}}).ok());
  EXPECT_FALSE(service_->UpdateEndpointWeightsAndCapacities("ab", {{"A", -1.0, {}}}).ok());
  EXPECT_FALSE(service_->UpdateEndpointWeightsAndCapacities("ab", {{"A", {}, 17}}).ok());
}

TEST_F(EndpointLifecycleTest, ARestartReloadsServingEndpoints) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  const std::int64_t deployed = service_->DescribeEndpoint("ep")->current.variants[0].deployed_ms;
  service_.reset();
  service_ = env_.OpenService();
  ASSERT_NE(service_, nullptr);
  const EndpointStatus reloading = service_->DescribeEndpoint("ep")->status;
  EXPECT_TRUE(reloading == EndpointStatus::kSystemUpdating ||
              reloading == EndpointStatus::kInService);
  service_->WaitIdle();
  const EndpointRecord e = WaitSettled(*service_, "ep");
  EXPECT_EQ(e.status, EndpointStatus::kInService);
  EXPECT_EQ(e.current.variants[0].deployed_ms, deployed);
  auto r = Invoke("ep", "0.1,0.2,0.3,0.4");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

TEST_F(EndpointLifecycleTest, ARestartFailsAnEndpointWhoseArtifactIsGone) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  service_.reset();
  ASSERT_TRUE(env_.store().DeleteObject("models", "first/model.tar.gz").ok());
  service_ = env_.OpenService();
  ASSERT_NE(service_, nullptr);
  service_->WaitIdle();
  const EndpointRecord e = WaitSettled(*service_, "ep");
  EXPECT_EQ(e.status, EndpointStatus::kFailed);
  EXPECT_NE(e.failure_reason.find("does not exist"), std::string::npos) << e.failure_reason;
}

TEST_F(EndpointLifecycleTest, ARestartFinishesADeletion) {
  ASSERT_EQ(Deploy("ep", first_url_).status, EndpointStatus::kInService);
  ASSERT_TRUE(service_->DeleteEndpoint("ep").ok());
  service_.reset();
  service_ = env_.OpenService();
  ASSERT_NE(service_, nullptr);
  service_->WaitIdle();
  EXPECT_FALSE(service_->DescribeEndpoint("ep").ok());
}

TEST_F(EndpointLifecycleTest, AKilnLinearLearnerEndpointAnswersWithLabels) {
  const std::string kiln = TrainKilnModel(data_, "linear", 2, env_.dir());
  const std::string url = env_.Upload("linear/model.tar.gz", MakeTarGz({{"model.kiln", kiln}}));
  CreateModelAndConfig(*service_, "ll", "ll", url,
                       "382416733822.dkr.ecr.us-east-1.amazonaws.com/"
                       "linear-learner:1");
  ASSERT_TRUE(service_->CreateEndpoint("ll", "ll", {}).ok());
  const EndpointRecord e = WaitSettled(*service_, "ll");
  ASSERT_EQ(e.status, EndpointStatus::kInService) << e.failure_reason;
  auto r = Invoke("ll", "0.1,0.2,0.3,0.4\n0.9,0.1,0.8,0.2", "text/csv", "application/json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto preds = nlohmann::json::parse(r->body)["predictions"];
  ASSERT_EQ(preds.size(), 2u);
  EXPECT_TRUE(preds[0].contains("predicted_label"));
  EXPECT_TRUE(preds[0]["score"].is_number());
}

}  // namespace
}  // namespace kiln
