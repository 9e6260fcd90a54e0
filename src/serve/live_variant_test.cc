#include "serve/live_variant.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace kiln {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class CountingPredictor final : public Predictor {
 public:
  std::size_t num_features() const override { return 1; }
  const OutputSchema& output() const override { return schema_; }
  Status Predict(const Matrix&, std::vector<double>*) const override { return Status::Ok(); }
  std::string Describe() const override { return "counting"; }

 private:
  OutputSchema schema_;
};

// A variant over a factory that fails while `fail_loads` is set; reconciles run on the test's
// thread (RunReconciles) or in a helper thread, as the service's instance worker would.
class LiveVariantTest : public ::testing::Test {
 protected:
  LiveVariantTest()
      : clock_(std::chrono::system_clock::time_point(seconds(1'800'000'000))),
        stats_(std::make_shared<VariantStats>(seconds(10))) {}

  std::shared_ptr<LiveVariant> Make(milliseconds timeout = milliseconds(60000)) {
    LiveVariantOptions o;
    o.cold_start_timeout = timeout;
    return std::make_shared<LiveVariant>(
        "AllTraffic",
        [this]() -> Result<std::shared_ptr<const Predictor>> {
          ++loads_;
          if (fail_loads_)
            return Status::IoError("the artifact is gone");
          return std::shared_ptr<const Predictor>(std::make_shared<CountingPredictor>());
        },
        stats_, clock_, o, [this] { ++reconcile_requests_; });
  }

  ManualClock clock_;
  std::shared_ptr<VariantStats> stats_;
  std::atomic<bool> fail_loads_{false};
  std::atomic<int> loads_{0};
  std::atomic<int> reconcile_requests_{0};
};

TEST_F(LiveVariantTest, ReconcileLoadsAndDropsToTheDesiredCount) {
  auto v = Make();
  EXPECT_EQ(v->live(), 0);
  v->SetDesired(3);
  EXPECT_EQ(reconcile_requests_, 1);
  ASSERT_TRUE(v->Reconcile().ok());
  EXPECT_EQ(v->live(), 3);
  EXPECT_EQ(loads_, 3);
  std::set<std::string> ids;
  for (const auto& i : *v->instances())
    ids.insert(i->id());
  EXPECT_EQ(ids, (std::set<std::string>{"AllTraffic-1", "AllTraffic-2", "AllTraffic-3"}));
  v->SetDesired(1);
  ASSERT_TRUE(v->Reconcile().ok());
  EXPECT_EQ(v->live(), 1);
  EXPECT_EQ(loads_, 3);
}

TEST_F(LiveVariantTest, RequestsGoToTheLeastLoadedInstance) {
  auto v = Make();
  v->SetDesired(2);
  ASSERT_TRUE(v->Reconcile().ok());
  Result<LiveVariant::Lease> a = v->Acquire();
  ASSERT_TRUE(a.ok());
  for (int i = 0; i < 5; ++i) {
    Result<LiveVariant::Lease> b = v->Acquire();
    ASSERT_TRUE(b.ok());
    EXPECT_NE(&b->instance(), &a->instance());  // the other one is idle
  }
  EXPECT_EQ(a->instance().in_flight.load(), 1);
}

TEST_F(LiveVariantTest, ARemovedInstanceDrainsAndKeepsItsCounts) {
  auto v = Make();
  v->SetDesired(1);
  ASSERT_TRUE(v->Reconcile().ok());
  {
    Result<LiveVariant::Lease> lease = v->Acquire();
    ASSERT_TRUE(lease.ok());
    lease->instance().counters.invocations.fetch_add(7);
    v->SetDesired(0);
    ASSERT_TRUE(v->Reconcile().ok());
    EXPECT_EQ(v->live(), 0);
    EXPECT_EQ(lease->instance().in_flight.load(), 1);  // still serving its request
    EXPECT_EQ(stats_->RetiredTotals().invocations, 7u);
    lease->instance().counters.invocations.fetch_add(1);  // a request finishing while draining
    EXPECT_EQ(stats_->RetiredTotals().invocations, 8u);
  }
  EXPECT_EQ(stats_->RetiredTotals().invocations, 8u);  // folded in once the instance is gone
  EXPECT_EQ(stats_->retired.invocations.load(), 8u);
}

TEST_F(LiveVariantTest, AScaledToZeroVariantHoldsTheFirstRequestWhileOneStarts) {
  auto v = Make();
  std::jthread worker([&](std::stop_token stop) {
    while (!stop.stop_requested() && reconcile_requests_ == 0)
      std::this_thread::sleep_for(milliseconds(1));
    (void)v->Reconcile();
  });
  Result<LiveVariant::Lease> lease = v->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.error().message();
  EXPECT_EQ(v->desired(), 1);
  EXPECT_EQ(v->live(), 1);
  EXPECT_EQ(v->waiting(), 0);
}

TEST_F(LiveVariantTest, AHeldRequestFailsAfterTheColdStartTimeout) {
  auto v = Make(milliseconds(5000));
  std::jthread mover([&] {
    while (v->waiting() == 0)
      std::this_thread::sleep_for(milliseconds(1));
    clock_.Advance(seconds(4));
    std::this_thread::sleep_for(milliseconds(60));
    EXPECT_EQ(v->waiting(), 1);  // 4 s: still held
    clock_.Advance(seconds(2));
  });
  Result<LiveVariant::Lease> lease = v->Acquire();
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.error().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(lease.error().message().find("none started within 5000 ms"), std::string::npos);
}

TEST_F(LiveVariantTest, AHeldRequestFailsAtOnceWhenTheLoadFails) {
  auto v = Make();
  fail_loads_ = true;
  std::jthread worker([&] {
    while (reconcile_requests_ == 0)
      std::this_thread::sleep_for(milliseconds(1));
    EXPECT_FALSE(v->Reconcile().ok());
  });
  Result<LiveVariant::Lease> lease = v->Acquire();
  ASSERT_FALSE(lease.ok());
  EXPECT_NE(lease.error().message().find("the artifact is gone"), std::string::npos);
  EXPECT_EQ(v->load_failures(), 1u);
}

TEST_F(LiveVariantTest, RetiringWakesHeldRequestsWithCancelled) {
  auto v = Make();
  std::jthread retirer([&] {
    while (v->waiting() == 0)
      std::this_thread::sleep_for(milliseconds(1));
    v->Retire();
  });
  Result<LiveVariant::Lease> lease = v->Acquire();
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.error().code(), StatusCode::kCancelled);
}

TEST_F(LiveVariantTest, ReplaceSwapsInANewInstance) {
  auto v = Make();
  v->SetDesired(2);
  ASSERT_TRUE(v->Reconcile().ok());
  const std::shared_ptr<ModelInstance> bad = v->instances()->front();
  const int requests = reconcile_requests_;
  v->Replace(*bad);
  v->Replace(*bad);  // a second report of the same instance changes nothing
  EXPECT_EQ(v->live(), 1);
  EXPECT_EQ(v->replacements(), 1u);
  EXPECT_EQ(reconcile_requests_, requests + 1);
  std::optional<LiveVariant::Lease> other = v->AcquireOther(*v->instances()->front());
  EXPECT_FALSE(other.has_value());  // only one left
  ASSERT_TRUE(v->Reconcile().ok());
  EXPECT_EQ(v->live(), 2);
  for (const auto& i : *v->instances())
    EXPECT_NE(i, bad);
}

// A predictor that fails while its flag is set (an instance gone bad).
class FlakyPredictor final : public Predictor {
 public:
  std::size_t num_features() const override { return 1; }
  const OutputSchema& output() const override { return schema_; }
  Status Predict(const Matrix&, std::vector<double>*) const override {
    return broken ? Status::Internal("instance fault") : Status::Ok();
  }
  std::string Describe() const override { return "flaky"; }
  mutable std::atomic<bool> broken{false};

 private:
  OutputSchema schema_;
};

class FailoverTest : public LiveVariantTest {
 protected:
  std::shared_ptr<LiveVariant> MakeFlaky() {
    return std::make_shared<LiveVariant>(
        "AllTraffic",
        [this]() -> Result<std::shared_ptr<const Predictor>> {
          auto p = std::make_shared<FlakyPredictor>();
          made_.push_back(p);
          return std::shared_ptr<const Predictor>(p);
        },
        stats_, clock_, LiveVariantOptions{}, [] {});
  }
  static Status Run(const Predictor& p) {
    std::vector<double> out;
    return p.Predict(Matrix(1, 1), &out);
  }
  std::vector<std::shared_ptr<FlakyPredictor>> made_;
};

TEST_F(FailoverTest, AFaultyInstanceIsRetriedElsewhereAndReplaced) {
  auto v = MakeFlaky();
  v->SetDesired(2);
  ASSERT_TRUE(v->Reconcile().ok());
  std::optional<LiveVariant::Lease> lease(v->Acquire().value());
  const ModelInstance* bad = &lease->instance();
  static_cast<const FlakyPredictor&>(bad->predictor()).broken = true;
  EXPECT_TRUE(v->PredictWithFailover(&lease, Run).ok());  // the request does not fail
  EXPECT_NE(&lease->instance(), bad);
  EXPECT_EQ(v->replacements(), 1u);
  EXPECT_EQ(v->live(), 1);
  ASSERT_TRUE(v->Reconcile().ok());  // the replacement
  EXPECT_EQ(v->live(), 2);
  EXPECT_EQ(made_.size(), 3u);
}

TEST_F(FailoverTest, AnInputEveryInstanceFailsOnReplacesNothing) {
  auto v = MakeFlaky();
  v->SetDesired(2);
  ASSERT_TRUE(v->Reconcile().ok());
  for (const auto& p : made_)
    p->broken = true;
  std::optional<LiveVariant::Lease> lease(v->Acquire().value());
  EXPECT_EQ(v->PredictWithFailover(&lease, Run).code(), StatusCode::kInternal);
  EXPECT_EQ(v->replacements(), 0u);
  EXPECT_EQ(v->live(), 2);
}

TEST_F(FailoverTest, ALoneInstanceIsReplacedAfterRepeatedFaults) {
  auto v = MakeFlaky();
  v->SetDesired(1);
  ASSERT_TRUE(v->Reconcile().ok());
  made_[0]->broken = true;
  for (int i = 0; i < 2; ++i) {
    std::optional<LiveVariant::Lease> lease(v->Acquire().value());
    EXPECT_FALSE(v->PredictWithFailover(&lease, Run).ok());
  }
  EXPECT_EQ(v->live(), 1);  // two faults: kept
  {
    std::optional<LiveVariant::Lease> lease(v->Acquire().value());
    EXPECT_FALSE(v->PredictWithFailover(&lease, Run).ok());
  }
  EXPECT_EQ(v->live(), 0);  // the third: replaced (requests hold until the new one is live)
  ASSERT_TRUE(v->Reconcile().ok());
  std::optional<LiveVariant::Lease> lease(v->Acquire().value());
  EXPECT_TRUE(v->PredictWithFailover(&lease, Run).ok());
}

TEST_F(LiveVariantTest, TheHistoryRecordsEachCount) {
  auto v = Make();
  v->SetDesired(2);
  ASSERT_TRUE(v->Reconcile().ok());
  clock_.Advance(seconds(30));
  const auto points = stats_->history.Sample(clock_.Now());
  ASSERT_FALSE(points.empty());
  EXPECT_EQ(points.back().count, 2);
}

}  // namespace
}  // namespace kiln
