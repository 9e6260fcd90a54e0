// SelectPage: filters, sorts, pages and tokens (common/list_page.h).
#include "common/list_page.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

std::vector<ListItem> Items() {
  return {{"alpha", 100, 100, "InService"},
          {"Beta", 300, 400, "Failed"},
          {"gamma", 200, 250, "InService"},
          {"delta", 200, 260, "Creating"}};
}

std::vector<std::string> Names(const std::vector<ListItem>& items, const ListSelection& sel) {
  std::vector<std::string> out;
  for (std::size_t i : sel.indices)
    out.push_back(items[i].name);
  return out;
}

std::vector<std::string> Page(const ListQuery& q, std::string* token = nullptr) {
  const auto items = Items();
  auto sel = SelectPage(items, q, "ListEndpoints");
  EXPECT_TRUE(sel.ok()) << sel.status().ToString();
  if (!sel.ok())
    return {};
  if (token != nullptr)
    *token = sel->next_token;
  return Names(items, *sel);
}

TEST(ListPageTest, DefaultsToNewestFirst) {
  EXPECT_EQ(Page({}), (std::vector<std::string>{"Beta", "gamma", "delta", "alpha"}));
}

TEST(ListPageTest, SortsByNameOrStatusAscending) {
  ListQuery q;
  q.sort_by = ListSortBy::kName;
  q.ascending = true;
  EXPECT_EQ(Page(q), (std::vector<std::string>{"Beta", "alpha", "delta", "gamma"}));
  q.sort_by = ListSortBy::kStatus;
  EXPECT_EQ(Page(q), (std::vector<std::string>{"delta", "Beta", "alpha", "gamma"}));
}

TEST(ListPageTest, FiltersByNameStatusAndTimes) {
  ListQuery q;
  q.name_contains = "A";
  EXPECT_EQ(Page(q), (std::vector<std::string>{"Beta", "gamma", "delta", "alpha"}));
  q.name_contains = "ta";
  EXPECT_EQ(Page(q), (std::vector<std::string>{"Beta", "delta"}));
  q = {};
  q.status_equals = "InService";
  EXPECT_EQ(Page(q), (std::vector<std::string>{"gamma", "alpha"}));
  q = {};
  q.creation_after_ms = 100;
  q.creation_before_ms = 300;
  EXPECT_EQ(Page(q), (std::vector<std::string>{"gamma", "delta"}));
  q = {};
  q.modified_after_ms = 255;
  EXPECT_EQ(Page(q), (std::vector<std::string>{"Beta", "delta"}));
}

TEST(ListPageTest, PagesFollowTheTokenWithoutRepeats) {
  ListQuery q;
  q.max_results = 3;
  std::string token;
  EXPECT_EQ(Page(q, &token), (std::vector<std::string>{"Beta", "gamma", "delta"}));
  ASSERT_FALSE(token.empty());
  q.next_token = token;
  EXPECT_EQ(Page(q, &token), (std::vector<std::string>{"alpha"}));
  EXPECT_TRUE(token.empty());
}

TEST(ListPageTest, ANewItemDoesNotShiftTheNextPage) {
  ListQuery q;
  q.max_results = 2;
  std::string token;
  EXPECT_EQ(Page(q, &token), (std::vector<std::string>{"Beta", "gamma"}));
  std::vector<ListItem> more = Items();
  more.push_back({"zeta", 900, 900, "Creating"});  // created after the first page was read
  q.next_token = token;
  auto sel = SelectPage(more, q, "ListEndpoints");
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(Names(more, *sel), (std::vector<std::string>{"delta", "alpha"}));
}

TEST(ListPageTest, BadMaxResultsAndForeignTokensAreRefused) {
  const auto items = Items();
  ListQuery q;
  q.max_results = 0;
  EXPECT_FALSE(SelectPage(items, q, "ListModels").ok());
  q.max_results = 101;
  EXPECT_FALSE(SelectPage(items, q, "ListModels").ok());
  q.max_results = 1;
  auto first = SelectPage(items, q, "ListModels");
  ASSERT_TRUE(first.ok());
  q.next_token = first->next_token;
  EXPECT_TRUE(SelectPage(items, q, "ListModels").ok());
  EXPECT_FALSE(SelectPage(items, q, "ListEndpoints").ok());
  q.ascending = true;
  EXPECT_FALSE(SelectPage(items, q, "ListModels").ok());
  q.next_token = "garbage!";
  EXPECT_FALSE(SelectPage(items, q, "ListModels").ok());
}

}  // namespace
}  // namespace kiln
