// RecordSplitter and the input streams: records by line or whole objects, bounded buffers,
// gzip, and errors naming the line.
#include "transform/record_splitter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "transform/internal/gzip_for_test.h"

namespace kiln {
namespace {

using transform_testing::GzipForTest;

// An InputStream over a string, handing out at most `step` bytes per Read.
class StringStream final : public InputStream {
 public:
  StringStream(std::string data, std::size_t step) : data_(std::move(data)), step_(step) {}
  Result<std::size_t> Read(char* out, std::size_t n) override {
    const std::size_t k = std::min({n, step_, data_.size() - pos_});
    std::memcpy(out, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  std::uint64_t consumed() const override { return pos_; }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t pos_ = 0;
};

struct Got {
  std::vector<std::string> texts;
  std::vector<std::uint64_t> lines;
  Status status;
};

Got Split(InputStream& in, SplitType split, std::size_t max, std::size_t chunk) {
  RecordSplitter splitter(in, split, max, chunk);
  Got got;
  Record r;
  while (true) {
    Result<bool> more = splitter.Next(&r);
    if (!more.ok()) {
      got.status = more.error();
      return got;
    }
    if (!*more)
      return got;
    got.texts.emplace_back(r.text);
    got.lines.push_back(r.line);
  }
}

TEST(RecordSplitterTest, LinesAreRecordsWithTheirLineNumbersWhateverTheChunkSize) {
  const std::string text =
      "\xEF\xBB\xBF"
      "1,2\r\n\n3,4\n  \n5,6";
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 1024u}) {
    StringStream in(text, 5);
    Got got = Split(in, SplitType::kLine, 100, chunk);
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    EXPECT_EQ(got.texts, (std::vector<std::string>{"1,2", "3,4", "5,6"})) << chunk;
    EXPECT_EQ(got.lines, (std::vector<std::uint64_t>{1, 3, 5})) << chunk;
  }
}

TEST(RecordSplitterTest, SplitNoneGivesTheWholeObjectAsOneRecord) {
  StringStream in("a\nb\n", 1);
  Got got = Split(in, SplitType::kNone, 100, 2);
  ASSERT_TRUE(got.status.ok());
  EXPECT_EQ(got.texts, (std::vector<std::string>{"a\nb\n"}));
  StringStream empty("", 1);
  EXPECT_TRUE(Split(empty, SplitType::kNone, 100, 2).texts.empty());
}

TEST(RecordSplitterTest, ARecordAboveTheLimitIsAnErrorNamingItsLine) {
  StringStream in("short\n" + std::string(50, 'x') + "\nshort\n", 4);
  Got got = Split(in, SplitType::kLine, 20, 8);
  ASSERT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("line 2: the record is more than 20 bytes"),
            std::string::npos)
      << got.status.message();
  EXPECT_EQ(got.texts.size(), 1u);
  StringStream whole(std::string(50, 'x'), 4);
  EXPECT_FALSE(Split(whole, SplitType::kNone, 20, 8).status.ok());
}

TEST(RecordSplitterTest, TheBufferStaysBoundedOnALargeInput) {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += std::to_string(i) + ",1.5,2.5\n";
  StringStream in(text, 1 << 12);
  RecordSplitter splitter(in, SplitType::kLine, 64, 4096);
  Record r;
  std::uint64_t n = 0;
  while (*splitter.Next(&r)) {
    ASSERT_EQ(r.text, std::to_string(n) + ",1.5,2.5");
    ++n;
  }
  EXPECT_EQ(n, 20000u);
}

TEST(RecordSplitterTest, GzipStreamsInflateIncludingConcatenatedMembers) {
  const std::string text = GzipForTest("1,2\n3,4\n") + GzipForTest("5,6\n");
  auto gz = GzipInputStream(std::make_unique<StringStream>(text, 3), "s3://b/k.gz");
  Got got = Split(*gz, SplitType::kLine, 100, 2);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.texts, (std::vector<std::string>{"1,2", "3,4", "5,6"}));
  EXPECT_EQ(gz->consumed(), text.size());
}

TEST(RecordSplitterTest, BadOrTruncatedGzipIsAnErrorNamingTheObject) {
  auto bad = GzipInputStream(std::make_unique<StringStream>("plain,text\n", 100), "s3://b/k");
  Got got = Split(*bad, SplitType::kLine, 100, 64);
  ASSERT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("s3://b/k is not valid gzip"), std::string::npos)
      << got.status.message();
  std::string cut = GzipForTest(std::string(1000, 'a'));
  cut.resize(cut.size() / 2);
  auto truncated = GzipInputStream(std::make_unique<StringStream>(cut, 100), "s3://b/t");
  EXPECT_FALSE(Split(*truncated, SplitType::kNone, 5000, 64).status.ok());
}

}  // namespace
}  // namespace kiln
