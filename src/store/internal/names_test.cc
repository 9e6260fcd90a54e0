#include "store/internal/names.h"

#include <gtest/gtest.h>

#include <string>

namespace kiln::store_internal {
namespace {

TEST(NamesTest, ValidBucketNamesPass) {
  for (const char* name : {"abc", "my-bucket", "my.bucket.01", "0bucket9", "a-b.c-d", "123",
                           "192.168.5", "ab.cd.ef.gh"}) {
    EXPECT_TRUE(ValidateBucketName(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateBucketName(std::string(63, 'a')).ok());
}

TEST(NamesTest, InvalidBucketNamesSayWhichRuleTheyBreak) {
  struct Case {
    std::string name;
    std::string rule_words;
  };
  for (const Case& c : std::vector<Case>{
           {"ab", "3 to 63"},
           {std::string(64, 'a'), "3 to 63"},
           {"My-Bucket", "lower-case"},
           {"my_bucket", "lower-case"},
           {"-bucket", "start and end"},
           {"bucket.", "start and end"},
           {"my..bucket", "adjacent periods"},
           {"192.168.5.4", "IP address"},
           {"xn--bucket", "xn--"},
           {"bucket-s3alias", "-s3alias"},
       }) {
    Status s = ValidateBucketName(c.name);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(s.reason(), "InvalidBucketName") << c.name;
    EXPECT_NE(s.message().find(c.rule_words), std::string::npos) << s.message();
  }
}

TEST(NamesTest, KeysAreOneTo1024BytesOfUtf8) {
  EXPECT_TRUE(ValidateObjectKey("a").ok());
  EXPECT_TRUE(ValidateObjectKey(std::string(1024, 'x')).ok());
  EXPECT_TRUE(ValidateObjectKey("dir//../x/ +%20\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80/").ok());
  EXPECT_EQ(ValidateObjectKey("").reason(), "InvalidArgument");
  EXPECT_EQ(ValidateObjectKey(std::string(1025, 'x')).reason(), "KeyTooLongError");
  // 1024 bytes is the limit even when that is fewer characters.
  std::string two_byte_chars;
  for (int i = 0; i < 513; ++i)
    two_byte_chars += "\xc3\xbc";
  EXPECT_EQ(ValidateObjectKey(two_byte_chars).reason(), "KeyTooLongError");
}

TEST(NamesTest, Utf8ValidationRejectsMalformedSequences) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));          // bad continuation
}

}  // namespace
}  // namespace kiln::store_internal
