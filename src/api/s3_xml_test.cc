#include "api/s3_xml.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(S3XmlTest, TimestampsInBothS3Formats) {
  EXPECT_EQ(Iso8601Millis(1732470829123), "2024-11-24T17:53:49.123Z");
  EXPECT_EQ(Rfc1123(1732470829123), "Sun, 24 Nov 2024 17:53:49 GMT");
  EXPECT_EQ(ParseHttpDateMs("Sun, 24 Nov 2024 17:53:49 GMT"), 1732470829000);
  EXPECT_FALSE(ParseHttpDateMs("yesterday").has_value());
}

TEST(S3XmlTest, ParsesDeleteRequest) {
  auto d = ParseDeleteRequest(
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a b</Key></Object>"
      "<Object><Key>c&amp;d</Key></Object><Quiet>true</Quiet></Delete>");
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_TRUE(d->quiet);
  EXPECT_EQ(d->keys, (std::vector<std::string>{"a b", "c&d"}));
}

TEST(S3XmlTest, MalformedXmlIsNamed) {
  auto d = ParseDeleteRequest("<Delete><Object>");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().reason(), "MalformedXML");
  EXPECT_FALSE(ParseDeleteRequest("<Delete></Delete>").ok());
}

TEST(S3XmlTest, ParsesCompleteMultipartUploadKeepingOrder) {
  auto p = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload><Part><ETag>\"e2\"</ETag><PartNumber>2</PartNumber>"
      "<ChecksumCRC32>x</ChecksumCRC32></Part><Part><PartNumber>1</PartNumber><ETag>e1</ETag>"
      "</Part></CompleteMultipartUpload>");
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0], std::make_pair(2, std::string("e2")));
  EXPECT_EQ((*p)[1], std::make_pair(1, std::string("e1")));
  EXPECT_FALSE(ParseCompleteMultipartUpload(
                   "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part>"
                   "</CompleteMultipartUpload>")
                   .ok());
}

}  // namespace
}  // namespace kiln
