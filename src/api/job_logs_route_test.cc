// JobLogsRoute: which requests it serves, and the responses for a log, an unknown job and a
// failure.
#include "api/job_logs_route.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kiln {
namespace {

constexpr std::string_view kPrefix = "/kiln/v1/transform-jobs/";

HttpRequest Get(const std::string& path, const std::string& method = "GET") {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.target = path;
  r.request_id = "req-7";
  return r;
}

class JobLogsRouteTest : public ::testing::Test {
 protected:
  std::optional<HttpResponse> Route(const HttpRequest& request) {
    return JobLogsRoute(
        kPrefix,
        [this](std::string_view name) -> Result<std::string> {
          asked_.emplace_back(name);
          if (name == "scored")
            return std::string("2026-01-02T03:04:05.678Z transform job scored\n");
          if (name == "broken")
            return Status::IoError("cannot read the log");
          return Status::NotFound("no transform job \"" + std::string(name) + "\" exists");
        },
        request);
  }

  std::vector<std::string> asked_;
};

TEST_F(JobLogsRouteTest, AJobsLogIsPlainText) {
  auto r = Route(Get("/kiln/v1/transform-jobs/scored/logs"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "2026-01-02T03:04:05.678Z transform job scored\n");
  EXPECT_EQ(FindHeader(r->headers, "Content-Type").value_or(""), "text/plain; charset=utf-8");
  EXPECT_EQ(FindHeader(r->headers, "x-amzn-RequestId").value_or(""), "req-7");
  EXPECT_EQ(asked_, std::vector<std::string>{"scored"});
}

TEST_F(JobLogsRouteTest, AnUnknownJobIs404AndAFailure500WithTheMessage) {
  auto missing = Route(Get("/kiln/v1/transform-jobs/ghost/logs"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "no transform job \"ghost\" exists\n");
  auto broken = Route(Get("/kiln/v1/transform-jobs/broken/logs"));
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->status, 500);
  EXPECT_NE(broken->body.find("cannot read the log"), std::string::npos);
}

TEST_F(JobLogsRouteTest, OtherRequestsAreLeftToOtherRoutes) {
  for (const HttpRequest& r :
       {Get("/kiln/v1/transform-jobs/scored/logs", "POST"),
        Get("/kiln/v1/transform-jobs/scored/log"), Get("/kiln/v1/transform-jobs//logs"),
        Get("/kiln/v1/transform-jobs/logs"), Get("/kiln/v1/training-jobs/scored/logs"),
        Get("/kiln/v1/transform-jobs/scored")}) {
    EXPECT_FALSE(Route(r).has_value()) << r.method << " " << r.path;
  }
  EXPECT_TRUE(asked_.empty());
}

}  // namespace
}  // namespace kiln
