// JobOperations: the request handling the SageMaker job APIs share (training:
// sagemaker_training.cc, batch transform: sagemaker_transform.cc). Create<Kind>Job answers
// {"<Kind>JobArn"}; Describe<Kind>Job and Stop<Kind>Job take the job's name member; List<Kind>Jobs
// takes the List* members (list_request.h, StatusEquals a JobStatus) and answers
// {"<Kind>JobSummaries": [...]} with a NextToken unless on the last page. What differs between the
// kinds — member names, the error for a missing name, the Describe output and a summary — is given
// in a JobOperations. Private to src/api. A constant; its functions are as thread-safe as the
// service.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "api/list_request.h"
#include "common/list_page.h"
#include "common/status.h"
#include "jobs/job_status.h"

namespace kiln {

// Copies into `out` each of `members` that the stored request (`request_json`: the Create<Kind>Job
// request with Kiln's defaults filled in) has and is not null, as Describe<Kind>Job echoes them. A
// stored request that does not parse adds nothing.
inline void EchoRequestMembers(const std::string& request_json,
                               std::span<const char* const> members, nlohmann::json& out) {
  const nlohmann::json request = nlohmann::json::parse(request_json, nullptr, false);
  if (!request.is_object())
    return;
  for (const char* key : members) {
    auto it = request.find(key);
    if (it != request.end() && !it->is_null())
      out[key] = *it;
  }
}

// `Service` has Create(json) -> Result<arn>, Describe(name) -> Result<Record>, Stop(name) ->
// Status and List(ListQuery) -> Result<ListPage<Record>>.
template <typename Service, typename Record>
struct JobOperations {
  const char* arn_member;        // "TrainingJobArn"
  const char* summaries_member;  // "TrainingJobSummaries"
  // The job's name from a Describe or Stop request, or that request's error.
  Result<std::string> (*name)(const nlohmann::json& in);
  nlohmann::json (*describe)(const Record& job);  // Describe<Kind>Job's output
  nlohmann::json (*summary)(const Record& job);   // one of List<Kind>Jobs' summaries

  Result<nlohmann::json> Create(Service& s, const nlohmann::json& in) const {
    ASSIGN_OR_RETURN(std::string arn, s.Create(in));
    return nlohmann::json{{arn_member, arn}};
  }

  Result<nlohmann::json> Describe(Service& s, const nlohmann::json& in) const {
    ASSIGN_OR_RETURN(std::string job_name, name(in));
    ASSIGN_OR_RETURN(Record job, s.Describe(job_name));
    return describe(job);
  }

  Result<nlohmann::json> Stop(Service& s, const nlohmann::json& in) const {
    ASSIGN_OR_RETURN(std::string job_name, name(in));
    RETURN_IF_ERROR(s.Stop(job_name));
    return nlohmann::json::object();
  }

  Result<nlohmann::json> List(Service& s, const nlohmann::json& in) const {
    ASSIGN_OR_RETURN(ListQuery q, ParseListRequest(in, kJobStatusNames));
    ASSIGN_OR_RETURN(ListPage<Record> page, s.List(q));
    nlohmann::json summaries = nlohmann::json::array();
    for (const Record& job : page.items)
      summaries.push_back(summary(job));
    nlohmann::json out = {{summaries_member, std::move(summaries)}};
    if (!page.next_token.empty())
      out["NextToken"] = page.next_token;
    return out;
  }
};

}  // namespace kiln
