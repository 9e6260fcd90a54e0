// ParseListRequest: defaults, every member, and ValidationException texts naming the member.
#include "api/list_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "jobs/job_status.h"
#include "jobs/training_job.h"

namespace kiln {
namespace {

using nlohmann::json;

TEST(ListRequestTest, AnEmptyRequestTakesSageMakersDefaults) {
  auto r = ParseListRequest(json::object(), kJobStatusNames);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name_contains, "");
  EXPECT_EQ(r->status_equals, "");
  EXPECT_FALSE(r->creation_after_ms.has_value());
  EXPECT_EQ(r->sort_by, ListSortBy::kCreationTime);
  EXPECT_FALSE(r->ascending);
  EXPECT_EQ(r->max_results, 10);
  EXPECT_EQ(r->next_token, "");
  EXPECT_TRUE(ParseListRequest(json{{"NameContains", nullptr}}, kJobStatusNames).ok());
}

TEST(ListRequestTest, EveryMemberIsRead) {
  auto r = ParseListRequest(json{{"NameContains", "abc"},
                                 {"StatusEquals", "Failed"},
                                 {"CreationTimeAfter", 1767225600.5},
                                 {"CreationTimeBefore", 1767225601},
                                 {"LastModifiedTimeAfter", 1},
                                 {"LastModifiedTimeBefore", 2.25},
                                 {"SortBy", "Status"},
                                 {"SortOrder", "Ascending"},
                                 {"MaxResults", 100},
                                 {"NextToken", "tok"}},
                            kJobStatusNames);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status_equals, "Failed");
  EXPECT_EQ(*r->creation_after_ms, 1767225600500);
  EXPECT_EQ(*r->creation_before_ms, 1767225601000);
  EXPECT_EQ(*r->modified_after_ms, 1000);
  EXPECT_EQ(*r->modified_before_ms, 2250);
  EXPECT_EQ(r->name_contains, "abc");
  EXPECT_EQ(r->sort_by, ListSortBy::kStatus);
  EXPECT_TRUE(r->ascending);
  EXPECT_EQ(r->max_results, 100);
  EXPECT_EQ(r->next_token, "tok");
}

TEST(ListRequestTest, AShapeWithoutStatusOrModifiedTimesTakesOnlyItsMembers) {
  // ListModels / ListEndpointConfigs: no StatusEquals, no LastModifiedTime, no SortBy Status.
  const ListShape models{{}, /*modified_times=*/false, /*sort_by_status=*/false};
  auto r = ParseListRequest(json{{"StatusEquals", "InService"},
                                 {"LastModifiedTimeAfter", 5},
                                 {"SortBy", "Name"},
                                 {"CreationTimeAfter", 7}},
                            models);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status_equals, "");
  EXPECT_FALSE(r->modified_after_ms.has_value());
  EXPECT_EQ(r->creation_after_ms, 7000);
  EXPECT_EQ(r->sort_by, ListSortBy::kName);
  auto bad = ParseListRequest(json{{"SortBy", "Status"}}, models);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "1 validation error detected: Value \"Status\" at 'SortBy' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Name, CreationTime]");
}

TEST(ListRequestTest, BadMembersAreValidationErrorsNamingThem) {
  const std::pair<json, std::string> cases[] = {
      {json{{"NameContains", 5}}, "at 'NameContains' failed to satisfy constraint"},
      {json{{"StatusEquals", "Done"}},
       "Value \"Done\" at 'StatusEquals' failed to satisfy constraint: Member must satisfy enum "
       "value set: [InProgress, Completed, Failed, Stopping, Stopped]"},
      {json{{"CreationTimeAfter", "yesterday"}}, "'CreationTimeAfter'"},
      {json{{"LastModifiedTimeBefore", json::array()}}, "'LastModifiedTimeBefore'"},
      {json{{"SortBy", "Size"}}, "'SortBy'"},
      {json{{"SortOrder", "Up"}}, "'SortOrder'"},
      {json{{"MaxResults", 0}},
       "at 'MaxResults' failed to satisfy constraint: Member must be an "
       "integer between 1 and 100"},
      {json{{"MaxResults", 101}}, "'MaxResults'"},
      {json{{"MaxResults", 2.5}}, "'MaxResults'"},
      {json{{"NextToken", 1}}, "'NextToken'"},
  };
  for (const auto& [in, part] : cases) {
    auto r = ParseListRequest(in, kJobStatusNames);
    ASSERT_FALSE(r.ok()) << in.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("1 validation error detected: ", 0), 0u)
        << r.status().message();
    EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace kiln
