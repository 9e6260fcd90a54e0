#include "model/section_file.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(SectionFileTest, EncodeThenDecodeReturnsSameSections) {
  SectionFile f;
  f.Add("manifest", "{\"a\":1}");
  f.Add("member/0/bag/0", std::string("\0\1\2", 3));
  Result<SectionFile> g = SectionFile::Decode(f.Encode(), "m.kiln");
  ASSERT_TRUE(g.has_value()) << g.error().ToString();
  EXPECT_EQ(g->Get("manifest").value(), "{\"a\":1}");
  EXPECT_EQ(g->Get("member/0/bag/0").value(), std::string("\0\1\2", 3));
  EXPECT_EQ(g->Get("nope").error().code(), StatusCode::kNotFound);
}

TEST(SectionFileTest, TruncatedOrAlteredBytesAreCorruption) {
  SectionFile f;
  f.Add("manifest", "hello world");
  std::string bytes = f.Encode();
  for (std::size_t cut : {0ul, 5ul, 12ul, bytes.size() - 1}) {
    Result<SectionFile> g = SectionFile::Decode(std::string_view(bytes).substr(0, cut), "m.kiln");
    ASSERT_FALSE(g.has_value()) << cut;
    EXPECT_EQ(g.error().code(), StatusCode::kCorruption);
    EXPECT_NE(g.error().message().find("m.kiln"), std::string::npos);
  }
  std::string flipped = bytes;
  flipped[flipped.size() - 8] ^= 1;  // a data byte of the last section
  Result<SectionFile> g = SectionFile::Decode(flipped, "m.kiln");
  ASSERT_FALSE(g.has_value());
  EXPECT_NE(g.error().message().find("checksum"), std::string::npos);
}

}  // namespace
}  // namespace kiln
