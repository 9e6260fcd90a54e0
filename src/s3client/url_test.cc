// Tests for URL and s3:// URI parsing.
#include "s3client/url.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(UrlTest, ParsesHostPortAndTarget) {
  auto url = ParseUrl("http://127.0.0.1:8080/data/a.csv?x=1");
  ASSERT_TRUE(url.ok()) << url.error().message();
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/data/a.csv?x=1");
  EXPECT_EQ(url->Path(), "/data/a.csv");
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:8080");
}

TEST(UrlTest, DefaultsThePortAndTargetAndOmitsDefaultPortInHost) {
  auto url = ParseUrl("HTTPS://example.com");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->HostHeader(), "example.com");
  EXPECT_EQ(url->Origin(), "https://example.com");
}

TEST(UrlTest, ParsesBracketedIpv6AndDropsFragments) {
  auto url = ParseUrl("http://[::1]:9000/k#frag");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->target, "/k");
  EXPECT_EQ(url->HostHeader(), "[::1]:9000");
}

TEST(UrlTest, RejectsBadUrlsWithTheText) {
  for (const char* bad : {"ftp://x/y", "http://", "http://h:0/", "http://h:99999/", "h:80/x",
                          "http://u:p@h/", "http://h:8a/"}) {
    auto url = ParseUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_NE(url.error().message().find(bad), std::string::npos) << url.error().message();
  }
}

TEST(UrlTest, ResolvesRedirectLocations) {
  auto base = ParseUrl("http://h:81/a/b/c.csv");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(ResolveUrl(*base, "/x/y")->target, "/x/y");
  EXPECT_EQ(ResolveUrl(*base, "d.csv")->target, "/a/b/d.csv");
  auto other = ResolveUrl(*base, "https://other/z");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->host, "other");
  EXPECT_TRUE(other->tls());
  EXPECT_EQ(ResolveUrl(*base, "//cdn:82/q")->port, 82);
}

TEST(S3UriTest, SplitsBucketAndKey) {
  auto uri = ParseS3Uri("s3://bkt/dir/file.csv");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->bucket, "bkt");
  EXPECT_EQ(uri->key, "dir/file.csv");
  EXPECT_FALSE(uri->IsPrefix());
  EXPECT_TRUE(ParseS3Uri("s3://bkt")->IsPrefix());
  EXPECT_TRUE(ParseS3Uri("s3://bkt/dir/")->IsPrefix());
  EXPECT_EQ(ParseS3Uri("s3://bkt/a b")->ToString(), "s3://bkt/a b");
}

TEST(S3UriTest, RejectsOtherSchemesAndEmptyBuckets) {
  EXPECT_FALSE(ParseS3Uri("http://bkt/k").ok());
  EXPECT_FALSE(ParseS3Uri("s3:///k").ok());
  EXPECT_FALSE(ParseS3Uri("s3://").ok());
}

TEST(UrlTest, LastPathSegmentIsDecoded) {
  EXPECT_EQ(LastPathSegment("/a/b%20c.csv?x=1"), "b c.csv");
  EXPECT_EQ(LastPathSegment("/a/"), "");
  EXPECT_EQ(LastPathSegment("/"), "");
}

}  // namespace
}  // namespace kiln
