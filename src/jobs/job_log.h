// JobLog: a job's log file (`<workspace>/<job>/training.log` or `transform.log`), one timestamped
// line per event — what `kiln logs JOB` and `GET /kiln/v1/<training|transform>-jobs/<name>/logs`
// show, in place of SageMaker's CloudWatch stream. XGBoost's round lines are written as XGBoost
// prints them ("[3]\ttrain-rmse:0.25\tvalidation-rmse:0.31").
//
// Thread-safe: lines from several threads are written whole, in the order they arrive.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace kiln {

class JobLog {
 public:
  // Opens `path` for appending (created if absent).
  static Result<std::unique_ptr<JobLog>> Open(const std::string& path, const Clock& clock);
  JobLog(std::FILE* file, const Clock& clock) : file_(file), clock_(clock) {}
  ~JobLog();
  JobLog(const JobLog&) = delete;
  JobLog& operator=(const JobLog&) = delete;

  // Writes "2026-01-02T03:04:05.678Z <text>\n" and flushes. Write errors are ignored: a full
  // disk must not fail the job's bookkeeping.
  void Line(std::string_view text);

 private:
  std::mutex mu_;
  std::FILE* file_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

// The log at `path` so far: "" when it does not exist (yet: a worker has not started the job).
Result<std::string> ReadJobLog(const std::string& path);

// "2026-01-02T03:04:05.678Z".
std::string IsoTimestamp(std::chrono::system_clock::time_point t);

}  // namespace kiln
