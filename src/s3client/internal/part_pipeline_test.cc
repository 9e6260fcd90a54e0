// Tests for PartPipeline: order, overlap, at most two buffers, and error propagation.
#include "s3client/internal/part_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln {
namespace {

TEST(PartPipelineTest, UploadsPushedPartsInOrderAndRecyclesBuffers) {
  std::vector<std::string> uploaded;
  PartPipeline pipeline([&](const std::string& part) {
    uploaded.push_back(part);
    return Status::Ok();
  });
  for (int i = 0; i < 5; ++i) {
    std::string buffer(3, static_cast<char>('a' + i));
    ASSERT_TRUE(pipeline.Push(buffer).ok());
    EXPECT_TRUE(buffer.empty());
  }
  ASSERT_TRUE(pipeline.Drain().ok());
  EXPECT_EQ(uploaded, (std::vector<std::string>{"aaa", "bbb", "ccc", "ddd", "eee"}));
}

TEST(PartPipelineTest, PushBlocksWhileThePreviousPartIsUploading) {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  PartPipeline pipeline([&](const std::string&) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return open; });
    return Status::Ok();
  });
  std::string first = "1";
  ASSERT_TRUE(pipeline.Push(first).ok());
  std::atomic<bool> pushed{false};
  std::thread second([&] {
    std::string buffer = "2";
    EXPECT_TRUE(pipeline.Push(buffer).ok());
    pushed = true;
  });
  // The reader keeps its second buffer until the first part is uploaded: two buffers at most.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(pushed.load());
  {
    std::lock_guard lock(mu);
    open = true;
  }
  cv.notify_all();
  second.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_TRUE(pipeline.Drain().ok());
}

TEST(PartPipelineTest, TheFirstUploadErrorStopsLaterPushes) {
  int calls = 0;
  PartPipeline pipeline([&](const std::string& part) {
    ++calls;
    return part == "bad" ? Status::IoError("upload failed") : Status::Ok();
  });
  std::string a = "ok";
  ASSERT_TRUE(pipeline.Push(a).ok());
  std::string b = "bad";
  ASSERT_TRUE(pipeline.Push(b).ok());
  const Status drained = pipeline.Drain();
  EXPECT_EQ(drained.message(), "upload failed");
  std::string c = "later";
  EXPECT_EQ(pipeline.Push(c).message(), "upload failed");
  EXPECT_EQ(c, "later");
  EXPECT_EQ(calls, 2);
}

TEST(PartPipelineTest, DestroyingWithoutDrainFinishesThePendingPart) {
  std::atomic<int> calls{0};
  {
    PartPipeline pipeline([&](const std::string&) {
      ++calls;
      return Status::Ok();
    });
    std::string buffer = "p";
    ASSERT_TRUE(pipeline.Push(buffer).ok());
  }
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace kiln
