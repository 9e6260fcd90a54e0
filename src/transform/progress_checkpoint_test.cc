// ProgressCheckpoint on a manual clock: when it saves, what it skips, and saves from many threads.
#include "transform/progress_checkpoint.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace kiln {
namespace {

using namespace std::chrono_literals;

class ProgressCheckpointTest : public ::testing::Test {
 protected:
  ProgressCheckpoint Make(std::chrono::milliseconds interval) {
    return ProgressCheckpoint(counters_, clock_, interval, [this](const TransformProgress& p) {
      std::lock_guard<std::mutex> lock(mu_);
      saved_.push_back(p);
      return fail_ ? Status::IoError("disk full") : Status::Ok();
    });
  }

  std::vector<TransformProgress> Saved() {
    std::lock_guard<std::mutex> lock(mu_);
    return saved_;
  }

  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::hours(500000))};
  TransformCounters counters_;
  std::mutex mu_;
  std::vector<TransformProgress> saved_;  // GUARDED_BY(mu_)
  bool fail_ = false;
};

TEST_F(ProgressCheckpointTest, TicksSaveOncePerIntervalAndSaveNowAtOnce) {
  ProgressCheckpoint checkpoint = Make(1000ms);
  counters_.records_done = 5;
  checkpoint.Tick();
  EXPECT_TRUE(Saved().empty());  // the interval has not passed since the job started
  clock_.Advance(999ms);
  checkpoint.Tick();
  EXPECT_TRUE(Saved().empty());
  clock_.Advance(1ms);
  checkpoint.Tick();
  ASSERT_EQ(Saved().size(), 1u);
  EXPECT_EQ(Saved()[0].records_done, 5u);
  counters_.records_done = 9;
  clock_.Advance(500ms);
  checkpoint.Tick();
  EXPECT_EQ(Saved().size(), 1u);
  counters_.objects_done = 1;
  checkpoint.SaveNow();  // an object finished: no waiting for the interval
  ASSERT_EQ(Saved().size(), 2u);
  EXPECT_EQ(Saved()[1].objects_done, 1u);
  EXPECT_EQ(Saved()[1].records_done, 9u);
  EXPECT_EQ(checkpoint.saves(), 2);
}

TEST_F(ProgressCheckpointTest, UnchangedProgressIsNotWrittenAgain) {
  ProgressCheckpoint checkpoint = Make(0ms);
  checkpoint.SaveNow();  // all zeros: what the record holds already
  EXPECT_TRUE(Saved().empty());
  counters_.objects_total = 3;
  checkpoint.SaveNow();
  checkpoint.SaveNow();
  checkpoint.Tick();
  EXPECT_EQ(Saved().size(), 1u);
}

TEST_F(ProgressCheckpointTest, AFailedSaveIsTriedAgainLater) {
  ProgressCheckpoint checkpoint = Make(100ms);
  fail_ = true;
  counters_.records_done = 1;
  clock_.Advance(100ms);
  checkpoint.Tick();
  EXPECT_EQ(checkpoint.saves(), 0);
  fail_ = false;
  checkpoint.Tick();  // the failed save counts for the interval
  EXPECT_EQ(Saved().size(), 1u);
  clock_.Advance(100ms);
  checkpoint.Tick();
  EXPECT_EQ(checkpoint.saves(), 1);
  EXPECT_EQ(Saved().size(), 2u);
}

TEST_F(ProgressCheckpointTest, ManyThreadsTickingSaveOneAtATime) {
  ProgressCheckpoint checkpoint = Make(0ms);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 200; ++i) {
          counters_.records_done += 1;
          checkpoint.Tick();
        }
      });
    }
  }
  checkpoint.SaveNow();
  const std::vector<TransformProgress> saved = Saved();
  ASSERT_FALSE(saved.empty());
  EXPECT_EQ(saved.back().records_done, 800u);
  for (std::size_t i = 1; i < saved.size(); ++i)
    EXPECT_LE(saved[i - 1].records_done, saved[i].records_done);
}

}  // namespace
}  // namespace kiln
