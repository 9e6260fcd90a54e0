#include "jobs/job_log.h"

#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/file_util.h"

namespace kiln {

Result<std::unique_ptr<JobLog>> JobLog::Open(const std::string& path, const Clock& clock) {
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (f == nullptr)
    return Status::IoError("cannot open the job log " + path + ": " + std::strerror(errno));
  return std::make_unique<JobLog>(f, clock);
}

JobLog::~JobLog() { std::fclose(file_); }

void JobLog::Line(std::string_view text) {
  std::string line = IsoTimestamp(clock_.Now());
  line += ' ';
  line += text;
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  (void)std::fwrite(line.data(), 1, line.size(), file_);
  (void)std::fflush(file_);
}

Result<std::string> ReadJobLog(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok() && text.error().code() == StatusCode::kNotFound)
    return std::string();
  return text;
}

std::string IsoTimestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buf;
}

}  // namespace kiln
