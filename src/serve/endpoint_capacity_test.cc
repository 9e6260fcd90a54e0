// Live capacity end to end on a real database, store and XGBoost model: SetVariantCapacity and
// DescribeEndpoint's live counts, GetVariantLoad over a ManualClock window, scale to zero and the
// held first request, metrics snapshots, UpdateEndpoint during scaling, and data capture objects.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "serve/endpoint_service.h"
#include "serve/internal/serve_test_util.h"
#include "store/object_store.h"

namespace kiln {
namespace {

using serve_testing::CreateModelAndConfig;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::TrainBooster;
using serve_testing::WaitSettled;
using std::chrono::seconds;

constexpr char kImage[] = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
constexpr char kRow[] = "0.1,0.2,0.3,0.4";

class EndpointCapacityTest : public ::testing::Test {
 protected:
  EndpointCapacityTest()
      : clock_(std::chrono::system_clock::time_point(seconds(1'800'000'000)) +
               std::chrono::milliseconds(500)) {}

  void SetUp() override {
    EndpointServiceOptions o = env_.Options();
    o.clock = &clock_;
    o.cold_start_timeout = std::chrono::milliseconds(30000);
    Result<std::unique_ptr<EndpointService>> s = EndpointService::Open(env_.db(), env_.store(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    const auto data = MakeData(80, 4, 2, 5);
    url_ = env_.Upload(
        "m/model.tar.gz",
        MakeTarGz({{"xgboost-model", TrainBooster(data, "binary:logistic", 3).json_model}}));
  }

  EndpointRecord Deploy(const std::string& name, int instances) {
    CreateModelAndConfig(*service_, name + "-model", name + "-config", url_, kImage, instances);
    EXPECT_TRUE(service_->CreateEndpoint(name, name + "-config", {}).ok());
    return WaitSettled(*service_, name);
  }

  Result<InvokeResponse> Invoke(const std::string& endpoint, std::string_view body = kRow) {
    return service_->Invoke({endpoint, "", "text/csv", "", body});
  }

  const DeployedVariant& Variant(const EndpointRecord& e) { return e.current.variants.at(0); }

  ManualClock clock_;
  ServeEnv env_;
  std::unique_ptr<EndpointService> service_;
  std::string url_;
};

TEST_F(EndpointCapacityTest, SetVariantCapacityScalesLiveAndDescribeShowsLiveCounts) {
  ASSERT_EQ(Deploy("ep", 1).status, EndpointStatus::kInService);
  ASSERT_TRUE(service_->SetVariantCapacity("ep", "AllTraffic", 3).ok());
  EndpointRecord e = *service_->DescribeEndpoint("ep");
  EXPECT_EQ(e.status, EndpointStatus::kInService);  // scaling does not leave InService
  EXPECT_EQ(Variant(e).live_desired_instances, 3);
  service_->WaitIdle();
  e = *service_->DescribeEndpoint("ep");
  EXPECT_EQ(Variant(e).live_instances, 3);
  EXPECT_EQ(Variant(e).instance_count, 3);  // stored: a restart keeps it
  const EndpointMetrics m = *service_->EndpointMetricsOf("ep");
  ASSERT_EQ(m.variants.size(), 1u);
  EXPECT_EQ(m.variants[0].current_instances, 3);
  EXPECT_EQ(m.variants[0].instances.size(), 3u);
  EXPECT_EQ(m.variants[0].instances[2].id, "AllTraffic-3");

  ASSERT_TRUE(service_->SetVariantCapacity("ep", "AllTraffic", 1).ok());
  service_->WaitIdle();
  EXPECT_EQ(Variant(*service_->DescribeEndpoint("ep")).live_instances, 1);
  EXPECT_TRUE(Invoke("ep").ok());

  EXPECT_EQ(service_->SetVariantCapacity("nope", "AllTraffic", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->SetVariantCapacity("ep", "Other", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->SetVariantCapacity("ep", "AllTraffic", -1).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->SetVariantCapacity("ep", "AllTraffic", 17).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(EndpointCapacityTest, GetVariantLoadSeesAStepWithinTheWindow) {
  ASSERT_EQ(Deploy("ep", 1).status, EndpointStatus::kInService);
  Result<VariantLoad> idle = service_->GetVariantLoad("ep", "AllTraffic");
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->current_instances, 1);
  EXPECT_EQ(idle->invocations_per_instance_per_minute, 0);
  for (int i = 0; i < 95; ++i)
    ASSERT_TRUE(Invoke("ep").ok());
  // 95 requests just now: over the window's 9.5 s span 600 a minute, over its recent 1.5 s
  // (the last full second and this half one) 3800 a minute; the load is the larger.
  Result<VariantLoad> busy = service_->GetVariantLoad("ep", "AllTraffic");
  ASSERT_TRUE(busy.ok());
  EXPECT_NEAR(busy->invocations_per_instance_per_minute, 95 / 1.5 * 60, 1e-6);
  ASSERT_TRUE(service_->SetVariantCapacity("ep", "AllTraffic", 2).ok());
  service_->WaitIdle();
  busy = service_->GetVariantLoad("ep", "AllTraffic");
  EXPECT_EQ(busy->current_instances, 2);
  EXPECT_EQ(busy->desired_instances, 2);
  EXPECT_NEAR(busy->invocations_per_instance_per_minute, 95 / 1.5 * 60 / 2, 1e-6);
  clock_.Advance(seconds(3));  // out of the recent seconds, still in the window
  EXPECT_NEAR(service_->GetVariantLoad("ep", "AllTraffic")->invocations_per_instance_per_minute,
              95 / 9.5 * 60 / 2, 1e-6);
  clock_.Advance(seconds(7));
  EXPECT_EQ(service_->GetVariantLoad("ep", "AllTraffic")->invocations_per_instance_per_minute, 0);

  EXPECT_EQ(service_->GetVariantLoad("ep", "Other").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->GetVariantLoad("nope", "AllTraffic").status().code(), StatusCode::kNotFound);
}

TEST_F(EndpointCapacityTest, AScaledToZeroVariantServesItsFirstRequestAfterAColdStart) {
  EndpointRecord e = Deploy("zero", 0);
  ASSERT_EQ(e.status, EndpointStatus::kInService) << e.failure_reason;
  EXPECT_EQ(Variant(e).live_instances, 0);
  EXPECT_EQ(Variant(e).live_desired_instances, 0);
  Result<InvokeResponse> first = Invoke("zero");  // held while one instance loads
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  e = *service_->DescribeEndpoint("zero");
  EXPECT_EQ(Variant(e).live_instances, 1);
  EXPECT_EQ(Variant(e).live_desired_instances, 1);
  ASSERT_TRUE(service_->SetVariantCapacity("zero", "AllTraffic", 0).ok());
  service_->WaitIdle();
  EXPECT_EQ(Variant(*service_->DescribeEndpoint("zero")).live_instances, 0);
  EXPECT_EQ(service_->GetVariantLoad("zero", "AllTraffic")->current_instances, 0);
  EXPECT_TRUE(Invoke("zero").ok());
}

TEST_F(EndpointCapacityTest, ARequestHeldDuringAnUpdateIsServedByTheNewConfig) {
  ASSERT_EQ(Deploy("swap", 0).status, EndpointStatus::kInService);
  // Whether the held request is served by the old config's cold start or, retired by the swap,
  // starts over on the new config, it must not fail.
  const std::string moved = env_.Upload("moved/model.tar.gz", [&] {
    auto r = env_.store().OpenObject("models", "m/model.tar.gz");
    std::string b((*r)->info().size, '\0');
    EXPECT_TRUE((*r)->ReadAt(0, b.data(), b.size()).ok());
    return b;
  }());
  CreateModelAndConfig(*service_, "moved-model", "moved-config", moved, kImage, 1);
  std::optional<Result<InvokeResponse>> held;
  std::jthread request([&] { held = Invoke("swap"); });
  for (int i = 0; i < 200 && service_->GetVariantLoad("swap", "AllTraffic")->waiting_requests == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(service_->UpdateEndpoint("swap", "moved-config").ok());
  request.join();
  ASSERT_TRUE(held.has_value());
  EXPECT_TRUE(held->ok()) << held->status().ToString();
}

TEST_F(EndpointCapacityTest, AColdStartThatCannotLoadFailsWithModelNotReady) {
  ASSERT_EQ(Deploy("gone", 0).status, EndpointStatus::kInService);
  ASSERT_TRUE(env_.store().DeleteObject("models", "m/model.tar.gz").ok());
  Result<InvokeResponse> r = Invoke("gone");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason(), kInvokeModelNotReady);
  EXPECT_NE(r.error().message().find("does not exist"), std::string::npos) << r.error().message();
  const EndpointMetrics m = *service_->EndpointMetricsOf("gone");
  EXPECT_EQ(m.variants.at(0).totals.errors_5xx, 1u);
  EXPECT_EQ(m.variants.at(0).instance_load_failures, 1u);
}

TEST_F(EndpointCapacityTest, AnInstanceThatFailedToLoadIsRetriedUntilItLoads) {
  const std::string bytes = [&] {
    auto r = env_.store().OpenObject("models", "m/model.tar.gz");
    std::string b((*r)->info().size, '\0');
    EXPECT_TRUE((*r)->ReadAt(0, b.data(), b.size()).ok());
    return b;
  }();
  // Scaled to zero, the variant has not read its artifact yet; it is missing when it scales out.
  env_.Upload("late/model.tar.gz", bytes);
  CreateModelAndConfig(*service_, "late-model", "late-config", "s3://models/late/model.tar.gz",
                       kImage, 0);
  ASSERT_TRUE(service_->CreateEndpoint("late", "late-config", {}).ok());
  ASSERT_EQ(WaitSettled(*service_, "late").status, EndpointStatus::kInService);
  ASSERT_TRUE(env_.store().DeleteObject("models", "late/model.tar.gz").ok());
  ASSERT_TRUE(service_->SetVariantCapacity("late", "AllTraffic", 1).ok());
  service_->WaitIdle();
  EXPECT_EQ(Variant(*service_->DescribeEndpoint("late")).live_instances, 0);
  env_.Upload("late/model.tar.gz", bytes);  // back: the next retry (every second) loads it
  for (int i = 0; i < 100 && Variant(*service_->DescribeEndpoint("late")).live_instances != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Variant(*service_->DescribeEndpoint("late")).live_instances, 1);
  EXPECT_GE(service_->EndpointMetricsOf("late")->variants.at(0).instance_load_failures, 1u);
}

TEST_F(EndpointCapacityTest, MetricsCountInvocationsErrorsAndLatencies) {
  ASSERT_EQ(Deploy("ep", 2).status, EndpointStatus::kInService);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(Invoke("ep").ok());
  EXPECT_FALSE(Invoke("ep", "1,2").ok());      // wrong column count: 4xx on an instance
  EXPECT_FALSE(Invoke("ep", "").ok());         // empty body: 4xx before an instance
  EXPECT_FALSE(Invoke("ep", "a,b,c,d").ok());  // not numbers
  const std::vector<EndpointMetrics> all = service_->Metrics();
  ASSERT_EQ(all.size(), 1u);
  const VariantMetrics& v = all[0].variants.at(0);
  EXPECT_EQ(v.totals.invocations, 13u);
  EXPECT_EQ(v.totals.errors_4xx, 3u);
  EXPECT_EQ(v.totals.errors_5xx, 0u);
  EXPECT_EQ(v.totals.model_latency.Count(), 10u);
  EXPECT_EQ(v.totals.overhead_latency.Count(), 13u);
  ASSERT_EQ(v.instances.size(), 2u);
  EXPECT_GT(v.instances[0].counters.invocations, 0u);  // least-loaded spreads sequential requests
  EXPECT_GT(v.instances[1].counters.invocations, 0u);
  ASSERT_FALSE(v.instance_history.empty());
  EXPECT_EQ(v.instance_history.back().count, 2);
  // Scale-in folds the removed instance's counts into the variant: totals keep counting.
  ASSERT_TRUE(service_->SetVariantCapacity("ep", "AllTraffic", 1).ok());
  service_->WaitIdle();
  EXPECT_EQ(service_->Metrics()[0].variants[0].totals.invocations, 13u);
}

TEST_F(EndpointCapacityTest, UpdateEndpointIsAcceptedWhileScaling) {
  ASSERT_EQ(Deploy("ep", 1).status, EndpointStatus::kInService);
  CreateModelAndConfig(*service_, "m2", "c2", url_, kImage, 1);
  ASSERT_TRUE(service_->SetVariantCapacity("ep", "AllTraffic", 2).ok());
  ASSERT_TRUE(service_->UpdateEndpoint("ep", "c2").ok());  // while the second instance loads
  ASSERT_TRUE(service_->SetVariantCapacity("ep", "AllTraffic", 2).ok());  // while Updating
  const EndpointRecord e = WaitSettled(*service_, "ep");
  service_->WaitIdle();
  ASSERT_EQ(e.status, EndpointStatus::kInService) << e.failure_reason;
  EXPECT_EQ(e.current.config_name, "c2");
  // The count set during the roll-out carries over to the new config's variant of the same name.
  EXPECT_EQ(Variant(*service_->DescribeEndpoint("ep")).live_instances, 2);
}

TEST_F(EndpointCapacityTest, DataCaptureWritesSampledRecordsAsJsonLines) {
  ASSERT_TRUE(env_.store().CreateBucket("capture").ok());
  CreateModelAndConfig(*service_, "cm", "unused", url_, kImage, 1);
  EndpointConfigRecord c;
  c.name = "cc";
  VariantSpec v;
  v.variant_name = "AllTraffic";
  v.model_name = "cm";
  c.variants = {v};
  DataCaptureSpec capture;
  capture.initial_sampling_percentage = 50;
  capture.destination_s3_uri = "s3://capture/dc";
  c.data_capture = capture;
  ASSERT_TRUE(service_->CreateEndpointConfig(c).ok());
  ASSERT_TRUE(service_->DescribeEndpointConfig("cc")->data_capture.has_value());
  ASSERT_TRUE(service_->CreateEndpoint("cap", "cc", {}).ok());
  ASSERT_EQ(WaitSettled(*service_, "cap").status, EndpointStatus::kInService);
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(
        service_->Invoke({"cap", "", "text/csv", "", kRow, {}, "req-" + std::to_string(i)}).ok());
  ASSERT_TRUE(service_->FlushCapture().ok());
  ListObjectsQuery q;
  q.prefix = "dc/cap/AllTraffic/2027/01/15/08/";
  Result<ListObjectsResult> listed = env_.store().ListObjects("capture", q);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->contents.size(), 1u);
  EXPECT_TRUE(listed->contents[0].key.ends_with(".jsonl"));
  auto reader = env_.store().OpenObject("capture", listed->contents[0].key);
  ASSERT_TRUE(reader.ok());
  std::string text((*reader)->info().size, '\0');
  ASSERT_TRUE((*reader)->ReadAt(0, text.data(), text.size()).ok());
  std::vector<nlohmann::json> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    lines.push_back(nlohmann::json::parse(text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), 3u);  // 50% of 6
  const nlohmann::json& r = lines[0];
  EXPECT_EQ(r["eventVersion"], "0");
  EXPECT_EQ(r["eventMetadata"]["eventId"], "req-1");
  EXPECT_EQ(r["eventMetadata"]["inferenceTime"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(r["captureData"]["endpointInput"]["data"], kRow);
  EXPECT_EQ(r["captureData"]["endpointInput"]["encoding"], "CSV");
  EXPECT_EQ(r["captureData"]["endpointInput"]["mode"], "INPUT");
  EXPECT_EQ(r["captureData"]["endpointOutput"]["mode"], "OUTPUT");
  EXPECT_EQ(r["captureData"]["endpointOutput"]["observedContentType"], "text/csv");

  capture.destination_s3_uri = "s3://no-such-bucket/x";
  c.name = "bad";
  c.data_capture = capture;
  EXPECT_NE(service_->CreateEndpointConfig(c).error().message().find("does not exist"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln
