#include "api/aws_chunked.h"

#include <gtest/gtest.h>

#include <string>

namespace kiln {
namespace {

// Serves a string in pieces of `step` bytes, as a socket might.
class StringBody final : public BodyReader {
 public:
  StringBody(std::string s, std::size_t step) : s_(std::move(s)), step_(step) {}
  Result<std::size_t> Read(char* out, std::size_t n) override {
    const std::size_t k = std::min({n, step_, s_.size() - pos_});
    s_.copy(out, k, pos_);
    pos_ += k;
    return k;
  }
  bool done() const override { return pos_ == s_.size(); }

 private:
  std::string s_;
  std::size_t step_;
  std::size_t pos_ = 0;
};

TEST(AwsChunkedReaderTest, DecodesPayloadAndTrailerWhateverTheReadSizes) {
  const std::string wire =
      "5\r\nhello\r\n7;chunk-signature=ab\r\n, world\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n";
  for (std::size_t step : {1u, 3u, 7u, 1000u}) {
    StringBody src(wire, step);
    AwsChunkedReader r(src);
    auto all = r.ReadAll(1000);
    ASSERT_TRUE(all.ok()) << all.error().message();
    EXPECT_EQ(*all, "hello, world");
    EXPECT_TRUE(r.done());
    ASSERT_EQ(r.trailers().size(), 1u);
    EXPECT_EQ(r.trailers()[0].first, "x-amz-checksum-crc32");
    EXPECT_EQ(r.trailers()[0].second, "AAAA");
  }
}

TEST(AwsChunkedReaderTest, TruncatedFramingIsAnIncompleteBody) {
  StringBody src("5\r\nhel", 100);
  AwsChunkedReader r(src);
  auto all = r.ReadAll(1000);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().reason(), "IncompleteBody");
}

TEST(AwsChunkedReaderTest, ChunkLongerThanDeclaredIsRejected) {
  StringBody src("2\r\nabc\r\n0\r\n\r\n", 100);
  AwsChunkedReader r(src);
  EXPECT_FALSE(r.ReadAll(1000).ok());
}

TEST(AwsChunkedReaderTest, BadSizeIsRejected) {
  StringBody src("zz\r\nabc\r\n0\r\n\r\n", 100);
  AwsChunkedReader r(src);
  EXPECT_FALSE(r.ReadAll(1000).ok());
}

}  // namespace
}  // namespace kiln
