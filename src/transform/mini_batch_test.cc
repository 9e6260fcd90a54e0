// MiniBatch: MultiRecord packs records up to MaxPayloadInMB, SingleRecord sends one at a time.
#include "transform/mini_batch.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(MiniBatchTest, MultiRecordPacksRecordsUpToTheLimitCountingSeparators) {
  MiniBatch batch(BatchStrategy::kMultiRecord, 11, true);
  EXPECT_FALSE(batch.MustFlushBefore(100));  // an empty batch always takes the record
  batch.Add(1, "aaa", "raw-a");
  EXPECT_FALSE(batch.MustFlushBefore(3));  // "aaa\nbbb" = 7
  batch.Add(3, "bbb", "raw-b");
  EXPECT_FALSE(batch.MustFlushBefore(3));  // "aaa\nbbb\nccc" = 11
  batch.Add(4, "ccc", "raw-c");
  EXPECT_TRUE(batch.MustFlushBefore(0));
  EXPECT_EQ(batch.body(), "aaa\nbbb\nccc");
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.ModelText(1), "bbb");
  EXPECT_EQ(batch.Input(2), "raw-c");
  EXPECT_EQ(batch.items()[1].line, 3u);
  batch.Clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.body(), "");
}

TEST(MiniBatchTest, SingleRecordSendsEachRecordAlone) {
  MiniBatch batch(BatchStrategy::kSingleRecord, 1000, false);
  batch.Add(1, "a", "a");
  EXPECT_TRUE(batch.MustFlushBefore(1));
  EXPECT_EQ(batch.Input(0), "");  // inputs are kept only for joins
}

}  // namespace
}  // namespace kiln
