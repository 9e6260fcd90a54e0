// ListObjects against a brute-force reference: the listing is the sorted items (keys and common
// prefixes) of the whole prefix, and a query returns the first max_keys items after start_after.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store_test_util.h"

namespace kiln {
namespace {

using ListObjectsTest = StoreTest;

struct Expected {
  std::vector<std::string> keys;
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string next;
};

Expected Reference(const std::set<std::string>& all, const ListObjectsQuery& q) {
  // Every item of the prefix, in order, tagged with whether it is a common prefix.
  std::set<std::pair<std::string, bool>> items;
  for (const std::string& key : all) {
    if (!key.starts_with(q.prefix))
      continue;
    std::size_t pos =
        q.delimiter.empty() ? std::string::npos : key.find(q.delimiter, q.prefix.size());
    if (pos == std::string::npos)
      items.insert({key, false});
    else
      items.insert({key.substr(0, pos + q.delimiter.size()), true});
  }
  Expected e;
  int n = 0;
  for (const auto& [item, is_prefix] : items) {
    if (!q.start_after.empty() && item <= q.start_after)
      continue;
    if (n == q.max_keys) {
      e.truncated = true;
      break;
    }
    (is_prefix ? e.prefixes : e.keys).push_back(item);
    e.next = item;
    ++n;
  }
  if (!e.truncated)
    e.next.clear();
  return e;
}

std::string Describe(const ListObjectsQuery& q) {
  return "prefix=\"" + q.prefix + "\" delimiter=\"" + q.delimiter + "\" start_after=\"" +
         q.start_after + "\" max_keys=" + std::to_string(q.max_keys);
}

std::set<std::string> TestKeys() {
  std::set<std::string> keys = {"a",
                                "a/",
                                "a//",
                                "a//b",
                                "a/b",
                                "a/b/",
                                "a/b/c",
                                "a/b/c/d",
                                "a/b//c",
                                "a/c",
                                "a-b",
                                "a-b-c",
                                "a+b",
                                "a%2Fb",
                                "a b/c",
                                "a0",
                                "b",
                                "b/",
                                "b//",
                                "\xc3\xbc",
                                "\xc3\xbc/x",
                                "\xc3\xbc\xc3\xbc/y",
                                "\xe2\x82\xac/z",
                                "z/z/z",
                                "z\xc3\xbcz",
                                "~tilde",
                                "dir/",
                                "dir/sub/",
                                "dir/sub/file",
                                "dir//double"};
  const std::vector<std::string> atoms = {"a", "b", "/", "//",       "-",
                                          "+", "%", " ", "\xc3\xbc", "x.csv"};
  std::mt19937 rng(42);
  while (keys.size() < 400) {
    std::string key;
    int parts = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < parts; ++i)
      key += atoms[rng() % atoms.size()];
    keys.insert(key);
  }
  return keys;
}

TEST_F(ListObjectsTest, MatchesBruteForceReferenceIncludingPagination) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  std::set<std::string> keys = TestKeys();
  for (const std::string& key : keys)
    ASSERT_TRUE(Put("data", key, key).ok()) << key;

  const std::vector<std::string> prefixes = {"",         "a",    "a/", "a//", "a/b",
                                             "\xc3\xbc", "dir/", "zz", "/"};
  const std::vector<std::string> delimiters = {"", "/", "-", "//", "\xc3\xbc", "b/"};
  const std::vector<std::string> starts = {"",  "a",        "a/",       "a/b", "a/b/c",
                                           "b", "\xc3\xbc", "dir/sub/", "~"};
  int checked = 0;
  for (const std::string& prefix : prefixes) {
    for (const std::string& delimiter : delimiters) {
      for (const std::string& start : starts) {
        for (int max_keys : {1, 3, 1000}) {
          ListObjectsQuery q{prefix, delimiter, start, max_keys};
          Expected want = Reference(keys, q);
          auto got = store_->ListObjects("data", q);
          ASSERT_TRUE(got.ok()) << got.status().ToString();
          std::vector<std::string> got_keys;
          for (const ObjectInfo& o : got->contents)
            got_keys.push_back(o.key);
          ASSERT_EQ(got_keys, want.keys) << Describe(q);
          ASSERT_EQ(got->common_prefixes, want.prefixes) << Describe(q);
          ASSERT_EQ(got->truncated, want.truncated) << Describe(q);
          ASSERT_EQ(got->next_start_after, want.next) << Describe(q);
          ++checked;
        }
      }
      // Paging through with next_start_after, 7 at a time, yields the whole listing once.
      ListObjectsQuery all_q{prefix, delimiter, "", 1000};
      Expected all = Reference(keys, all_q);
      ASSERT_FALSE(all.truncated);
      std::vector<std::string> paged_keys, paged_prefixes;
      ListObjectsQuery page_q{prefix, delimiter, "", 7};
      for (int pages = 0;; ++pages) {
        ASSERT_LT(pages, 1000) << "pagination does not end";
        auto page = store_->ListObjects("data", page_q);
        ASSERT_TRUE(page.ok());
        ASSERT_LE(page->contents.size() + page->common_prefixes.size(), 7u);
        for (const ObjectInfo& o : page->contents)
          paged_keys.push_back(o.key);
        paged_prefixes.insert(paged_prefixes.end(), page->common_prefixes.begin(),
                              page->common_prefixes.end());
        if (!page->truncated)
          break;
        page_q.start_after = page->next_start_after;
      }
      EXPECT_EQ(paged_keys, all.keys) << Describe(all_q);
      EXPECT_EQ(paged_prefixes, all.prefixes) << Describe(all_q);
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST_F(ListObjectsTest, ContentsCarryObjectMetadata) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  ObjectAttributes attrs;
  attrs.content_type = "text/csv";
  ASSERT_TRUE(Put("data", "data/a.csv", "1,2,3\n4,5,6\n", attrs).ok());
  auto list = store_->ListObjects("data", {"data/", "/", "", 1000});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->contents.size(), 1u);
  const ObjectInfo& o = list->contents[0];
  EXPECT_EQ(o.bucket, "data");
  EXPECT_EQ(o.size, 12u);
  EXPECT_EQ(o.etag, "38d9dd6259f3b20f5a157be6cbaca4e4");
  EXPECT_EQ(o.last_modified_ms, 1'800'000'000'000);
  EXPECT_EQ(o.attributes.content_type, "text/csv");
}

TEST_F(ListObjectsTest, MaxKeysZeroReturnsNothingAndIsNotTruncated) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  ASSERT_TRUE(Put("data", "k", "v").ok());
  auto list = store_->ListObjects("data", {"", "", "", 0});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->contents.empty());
  EXPECT_TRUE(list->common_prefixes.empty());
  EXPECT_FALSE(list->truncated);
  EXPECT_EQ(store_->ListObjects("data", {"", "", "", -1}).error().reason(), "InvalidArgument");
  // Above 1000 means 1000, as in S3.
  EXPECT_EQ(store_->ListObjects("data", {"", "", "", 5000})->contents.size(), 1u);
}

TEST_F(ListObjectsTest, ManyKeysUnderOneCommonPrefixCountOnce) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  for (int i = 0; i < 1500; ++i)
    ASSERT_TRUE(Put("data", "deep/" + std::to_string(i), "").ok());
  ASSERT_TRUE(Put("data", "top", "").ok());
  auto list = store_->ListObjects("data", {"", "/", "", 1});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->common_prefixes, std::vector<std::string>{"deep/"});
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(list->next_start_after, "deep/");
  auto rest = store_->ListObjects("data", {"", "/", "deep/", 1});
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->contents.size(), 1u);
  EXPECT_EQ(rest->contents[0].key, "top");
  EXPECT_FALSE(rest->truncated);
  // Without a delimiter the same bucket pages 1000 at a time.
  auto page = store_->ListObjects("data", {"", "", "", 1000});
  EXPECT_EQ(page->contents.size(), 1000u);
  EXPECT_TRUE(page->truncated);
}

// Keys are written in ascending order, so every consistent snapshot lists exactly k0..k(n-1).
TEST_F(ListObjectsTest, ListingWhileWritingSeesConsistentSnapshots) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  constexpr int kKeys = 300;
  auto name = [](int i) {
    std::string s = std::to_string(i);
    return "k" + std::string(4 - s.size(), '0') + s;
  };
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, lists{0};
  std::thread lister([&] {
    while (!done.load()) {
      auto list = store_->ListObjects("data", {"", "", "", 1000});
      if (!list.ok()) {
        ++bad;
        continue;
      }
      for (std::size_t i = 0; i < list->contents.size(); ++i) {
        if (list->contents[i].key != name(static_cast<int>(i)))
          ++bad;
      }
      ++lists;
    }
  });
  for (int i = 0; i < kKeys; ++i)
    ASSERT_TRUE(Put("data", name(i), "v").ok());
  done = true;
  lister.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(lists.load(), 0);
  EXPECT_EQ(store_->ListObjects("data", {})->contents.size(), static_cast<std::size_t>(kKeys));
}

}  // namespace
}  // namespace kiln
