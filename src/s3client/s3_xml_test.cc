// Tests for S3 error XML, response parsing, the Complete body, and the retry policy and loop state.
#include "s3client/s3_xml.h"

#include <gtest/gtest.h>

#include "s3client/retry.h"

namespace kiln {
namespace {

TEST(S3ErrorStatusTest, ErrorXmlBecomesReasonAndMessageNamingTheResource) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
      "<Message>The specified bucket does not exist</Message><BucketName>data</BucketName>"
      "<RequestId>r1</RequestId></Error>";
  const Status s = StatusFromS3Error(404, body, "s3://data/train.csv");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.reason(), "NoSuchBucket");
  EXPECT_EQ(s.message(), "s3://data/train.csv: NoSuchBucket: The specified bucket does not exist");
}

TEST(S3ErrorStatusTest, SignatureErrorsAreInvalidArgumentWithTheS3Code) {
  const Status s = StatusFromS3Error(
      403, "<Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></Error>", "s3://b");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.reason(), "SignatureDoesNotMatch");
  EXPECT_NE(s.message().find("bad sig"), std::string::npos);
}

TEST(S3ErrorStatusTest, BodilessHeadErrorsAreNamedFromTheHttpStatus) {
  EXPECT_EQ(StatusFromS3Error(404, "", "s3://b/k").reason(), "NotFound");
  const Status denied = StatusFromS3Error(403, "", "s3://b/k");
  EXPECT_EQ(denied.reason(), "AccessDenied");
  EXPECT_NE(denied.message().find("check the access key"), std::string::npos);
  EXPECT_EQ(StatusFromS3Error(503, "", "s3://b").code(), StatusCode::kIoError);
  EXPECT_EQ(StatusFromS3Error(501, "not xml", "s3://b").code(), StatusCode::kUnimplemented);
  EXPECT_EQ(StatusFromS3Error(409, "", "s3://b").code(), StatusCode::kAlreadyExists);
}

TEST(S3XmlTest, ParsesInitiateMultipartUpload) {
  auto id = ParseInitiateMultipartUpload(
      "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Bucket>b</Bucket><Key>k</Key><UploadId>u-123</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "u-123");
  EXPECT_FALSE(ParseInitiateMultipartUpload("<X/>").ok());
  EXPECT_EQ(ParseInitiateMultipartUpload("<<<").error().code(), StatusCode::kCorruption);
}

TEST(S3XmlTest, ParsesListPartsWithTruncation) {
  auto parts = ParseListParts(
      "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket>"
      "<IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker>"
      "<Part><PartNumber>1</PartNumber><LastModified>x</LastModified><ETag>\"aa\"</ETag>"
      "<Size>5242880</Size></Part><Part><PartNumber>2</PartNumber><ETag>\"bb\"</ETag>"
      "<Size>7</Size><Extra/></Part></ListPartsResult>");
  ASSERT_TRUE(parts.ok()) << parts.error().message();
  EXPECT_TRUE(parts->truncated);
  EXPECT_EQ(parts->next_marker, 2);
  ASSERT_EQ(parts->parts.size(), 2u);
  EXPECT_EQ(parts->parts[0], (UploadedPart{1, "\"aa\"", 5242880}));
  EXPECT_EQ(parts->parts[1], (UploadedPart{2, "\"bb\"", 7}));
  EXPECT_FALSE(ParseListParts("<R><Part><PartNumber>x</PartNumber></Part></R>").ok());
}

TEST(S3XmlTest, CompleteMultipartUploadReadsTheEtagOrAnEmbeddedError) {
  auto etag = ParseCompleteMultipartUpload(
      "<CompleteMultipartUploadResult><Bucket>b</Bucket><ETag>\"abc-3\"</ETag>"
      "</CompleteMultipartUploadResult>",
      "s3://b/k");
  ASSERT_TRUE(etag.ok());
  EXPECT_EQ(*etag, "\"abc-3\"");
  auto err = ParseCompleteMultipartUpload(
      "<Error><Code>InternalError</Code><Message>try again</Message></Error>", "s3://b/k");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().reason(), "InternalError");
  EXPECT_NE(err.error().message().find("s3://b/k"), std::string::npos);
}

TEST(S3XmlTest, ListObjectsV2DecodesUrlEncodedKeys) {
  auto list = ParseListObjectsV2(
      "<ListBucketResult><Name>b</Name><EncodingType>url</EncodingType>"
      "<IsTruncated>true</IsTruncated><NextContinuationToken>t2</NextContinuationToken>"
      "<Contents><Key>dir%20a/x%2By.csv</Key><Size>12</Size><ETag>\"e\"</ETag></Contents>"
      "<Contents><Key>plus+space</Key><Size>0</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(list.ok()) << list.error().message();
  ASSERT_EQ(list->objects.size(), 2u);
  EXPECT_EQ(list->objects[0].key, "dir a/x+y.csv");
  EXPECT_EQ(list->objects[0].size, 12u);
  EXPECT_EQ(list->objects[1].key, "plus space");
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(list->next_token, "t2");
}

TEST(S3XmlTest, ListObjectsV2KeepsRawKeysWithoutEncodingType) {
  auto list = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a+b%20</Key><Size>1</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->objects[0].key, "a+b%20");
  EXPECT_FALSE(ParseListObjectsV2("<L><IsTruncated>true</IsTruncated></L>").ok());
}

TEST(S3XmlTest, CompleteRequestListsPartsInOrderWithEscapedEtags) {
  const std::string xml = CompleteMultipartUploadXml({{1, "\"a&b\"", 5}, {2, "\"c\"", 1}});
  EXPECT_NE(xml.find("<Part><ETag>&quot;a&amp;b&quot;</ETag><PartNumber>1</PartNumber></Part>"
                     "<Part><ETag>&quot;c&quot;</ETag><PartNumber>2</PartNumber></Part>"),
            std::string::npos)
      << xml;
}

TEST(RetryTest, BackoffDoublesUpToTheCap) {
  RetryOptions o;
  o.initial_backoff = std::chrono::milliseconds(100);
  o.max_backoff = std::chrono::milliseconds(500);
  EXPECT_EQ(BackoffFor(o, 0).count(), 100);
  EXPECT_EQ(BackoffFor(o, 1).count(), 200);
  EXPECT_EQ(BackoffFor(o, 2).count(), 400);
  EXPECT_EQ(BackoffFor(o, 3).count(), 500);
  std::vector<long> waits;
  o.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d.count()); };
  SleepBeforeRetry(o, 1);
  EXPECT_EQ(waits, std::vector<long>{200});
}

TEST(RetryTest, RetriesServerErrorsAndThrottlingOnly) {
  EXPECT_TRUE(IsRetryableHttpStatus(500, "InternalError"));
  EXPECT_TRUE(IsRetryableHttpStatus(503, ""));
  EXPECT_TRUE(IsRetryableHttpStatus(429, ""));
  EXPECT_TRUE(IsRetryableHttpStatus(400, "RequestTimeout"));
  EXPECT_FALSE(IsRetryableHttpStatus(501, "NotImplemented"));
  EXPECT_FALSE(IsRetryableHttpStatus(403, "SignatureDoesNotMatch"));
  EXPECT_FALSE(IsRetryableHttpStatus(404, "NoSuchKey"));
}

TEST(RetryTest, ACounterWaitsTheScheduleUntilTheRetriesRunOutAndResetStartsAgain) {
  RetryOptions o;
  o.max_retries = 2;
  o.initial_backoff = std::chrono::milliseconds(10);
  std::vector<long> waits;
  o.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d.count()); };
  RetryCounter retry(o);
  ASSERT_TRUE(retry.CanRetry());
  retry.Wait();
  retry.Wait();
  EXPECT_FALSE(retry.CanRetry());
  EXPECT_EQ(waits, (std::vector<long>{10, 20}));
  EXPECT_EQ(retry.GaveUp(Status::IoError("reset")).message(), "reset (gave up after 2 retries)");
  retry.Reset();
  EXPECT_TRUE(retry.CanRetry());
  EXPECT_EQ(retry.GaveUp(Status::IoError("reset")).message(), "reset");
}

TEST(RetryTest, AResumingSinkCountsDropsResentBytesAndKeepsTheSinksError) {
  std::string got;
  const BodySink sink = [&](std::string_view chunk) {
    got += chunk;
    return got.size() > 8 ? Status::Cancelled("full") : Status::Ok();
  };
  ResumingSink download(3, sink);
  download.StartAttempt();
  ASSERT_TRUE(download.sink()("abc").ok());
  EXPECT_TRUE(download.progressed());
  EXPECT_EQ(download.position(), 6u);
  // The next response starts from byte 0 of the object: its first 6 bytes were delivered.
  download.StartAttempt();
  download.SkipFirst(download.position());
  ASSERT_TRUE(download.sink()("xxxx").ok());
  EXPECT_FALSE(download.progressed());
  ASSERT_TRUE(download.sink()("xxdef").ok());
  EXPECT_EQ(got, "abcdef");
  EXPECT_EQ(download.position(), 9u);
  EXPECT_FALSE(download.sink()("ghi").ok());
  EXPECT_EQ(download.sink_status().code(), StatusCode::kCancelled);
  EXPECT_EQ(got, "abcdefghi");
}

}  // namespace
}  // namespace kiln
