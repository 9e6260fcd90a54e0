#include "serve/data_capture.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/internal/serve_test_util.h"
#include "store/object_store.h"

namespace kiln {
namespace {

using std::chrono::seconds;

CaptureEvent Event(std::string input) {
  CaptureEvent e;
  e.destination = "s3://capture/dc/";
  e.endpoint = "ep";
  e.variant = "AllTraffic";
  e.time_ms = 1'800'000'000'123;  // 2027-01-15T08:00:00.123Z
  e.event_id = "rid-1";
  e.has_input = true;
  e.input_type = "text/csv";
  e.input_encoding = "CSV";
  e.input = std::move(input);
  return e;
}

TEST(DataCapture, EncodingsFollowTheContentTypeHeader) {
  DataCaptureSpec spec;
  EXPECT_EQ(CaptureEncoding(spec, "text/csv; charset=utf-8"), "CSV");
  EXPECT_EQ(CaptureEncoding(spec, "application/json"), "JSON");
  EXPECT_EQ(CaptureEncoding(spec, "application/x-npy"), "BASE64");
  spec.json_content_types = {"application/jsonlines"};
  EXPECT_EQ(CaptureEncoding(spec, "application/jsonlines"), "JSON");
  EXPECT_EQ(CaptureEncoding(spec, "text/csv"), "BASE64");  // not listed any more
}

TEST(DataCapture, RecordsAreSageMakersFormat) {
  CaptureEvent e = Event("1,2");
  e.has_output = true;
  e.output_type = "application/octet-stream";
  e.output_encoding = "BASE64";
  e.output = "\x01\x02";
  const nlohmann::json j = nlohmann::json::parse(CaptureRecordJson(e));
  EXPECT_EQ(j["captureData"]["endpointInput"], nlohmann::json({{"observedContentType", "text/csv"},
                                                               {"mode", "INPUT"},
                                                               {"data", "1,2"},
                                                               {"encoding", "CSV"}}));
  EXPECT_EQ(j["captureData"]["endpointOutput"]["data"], "AQI=");
  EXPECT_EQ(j["eventMetadata"]["eventId"], "rid-1");
  EXPECT_EQ(j["eventMetadata"]["inferenceTime"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(j["eventVersion"], "0");
  EXPECT_FALSE(j["eventMetadata"].contains("inferenceId"));  // none sent
  e.inference_id = "order-42";
  EXPECT_EQ(nlohmann::json::parse(CaptureRecordJson(e))["eventMetadata"]["inferenceId"],
            "order-42");
  e.has_output = false;
  EXPECT_FALSE(
      nlohmann::json::parse(CaptureRecordJson(e))["captureData"].contains("endpointOutput"));
}

TEST(DataCapture, ObjectKeysAreByEndpointVariantAndHour) {
  EXPECT_EQ(CaptureObjectKey("dc", Event(""), 1'800'000'065'432, "u1"),
            "dc/ep/AllTraffic/2027/01/15/08/01-05-432-u1.jsonl");
  EXPECT_EQ(CaptureObjectKey("", Event(""), 1'800'000'000'000, "u"),
            "ep/AllTraffic/2027/01/15/08/00-00-000-u.jsonl");
}

TEST(DataCapture, TheWriterFlushesAtDestructionAndDropsBeyondItsBuffer) {
  serve_testing::ServeEnv env;
  ASSERT_TRUE(env.store().CreateBucket("capture").ok());
  const ManualClock clock(std::chrono::system_clock::time_point(seconds(1'800'000'000)));
  {
    CaptureWriter writer(env.store(), clock, std::chrono::hours(1), 1000);
    writer.Submit(Event("1,2"));
    writer.Submit(Event("3,4"));
    writer.Submit(Event(std::string(2000, '5')));  // over the 1000-byte buffer: dropped
    EXPECT_EQ(writer.dropped(), 1u);
  }  // destroyed: flushed although the interval is an hour
  ListObjectsQuery q;
  q.prefix = "dc/ep/AllTraffic/2027/01/15/08/";
  Result<ListObjectsResult> listed = env.store().ListObjects("capture", q);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->contents.size(), 1u);
  EXPECT_GT(listed->contents[0].size, 100u);
}

TEST(DataCapture, AMissingBucketCountsTheRecordsAsDropped) {
  serve_testing::ServeEnv env;
  const ManualClock clock(std::chrono::system_clock::time_point(seconds(1'800'000'000)));
  CaptureWriter writer(env.store(), clock, std::chrono::hours(1), 1 << 20);
  writer.Submit(Event("1,2"));
  EXPECT_FALSE(writer.Flush().ok());
  EXPECT_EQ(writer.dropped(), 1u);
  EXPECT_EQ(writer.written(), 0u);
}

}  // namespace
}  // namespace kiln
