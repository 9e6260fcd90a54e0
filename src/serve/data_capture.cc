#include "serve/data_capture.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "common/digest.h"
#include "store/object_store.h"

namespace kiln {
namespace {

using nlohmann::json;

std::string_view BaseType(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ')
    t.remove_suffix(1);
  return t;
}

bool Listed(const std::vector<std::string>& types, std::string_view t) {
  return std::any_of(types.begin(), types.end(), [&](const std::string& s) { return s == t; });
}

json Side(std::string_view type, std::string_view mode, std::string_view encoding,
          std::string_view data) {
  return {{"observedContentType", type},
          {"mode", mode},
          {"data", encoding == "BASE64" ? Base64Encode(data) : std::string(data)},
          {"encoding", encoding}};
}

std::tm Utc(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

// s3://bucket[/prefix] -> (bucket, prefix without trailing '/').
bool SplitDestination(std::string_view uri, std::string* bucket, std::string* prefix) {
  if (!uri.starts_with("s3://"))
    return false;
  uri.remove_prefix(5);
  const std::size_t slash = uri.find('/');
  *bucket = std::string(uri.substr(0, slash));
  *prefix = slash == std::string_view::npos ? "" : std::string(uri.substr(slash + 1));
  while (!prefix->empty() && prefix->back() == '/')
    prefix->pop_back();
  return !bucket->empty();
}

}  // namespace

std::string CaptureEncoding(const DataCaptureSpec& spec, std::string_view content_type) {
  const std::string_view t = BaseType(content_type);
  if (spec.csv_content_types.empty() && spec.json_content_types.empty()) {
    if (t == "text/csv")
      return "CSV";
    if (t == "application/json" || t == "application/jsonlines")
      return "JSON";
    return "BASE64";
  }
  if (Listed(spec.csv_content_types, t))
    return "CSV";
  if (Listed(spec.json_content_types, t))
    return "JSON";
  return "BASE64";
}

std::string CaptureRecordJson(const CaptureEvent& e) {
  json data = json::object();
  if (e.has_input)
    data["endpointInput"] = Side(e.input_type, "INPUT", e.input_encoding, e.input);
  if (e.has_output)
    data["endpointOutput"] = Side(e.output_type, "OUTPUT", e.output_encoding, e.output);
  const std::tm tm = Utc(e.time_ms);
  char when[80];
  std::snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  json metadata = {{"eventId", e.event_id}, {"inferenceTime", when}};
  if (!e.inference_id.empty())
    metadata["inferenceId"] = e.inference_id;  // SageMaker's key; Model Monitor joins on it
  json record = {{"captureData", data}, {"eventMetadata", metadata}, {"eventVersion", "0"}};
  return record.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string CaptureObjectKey(std::string_view prefix, const CaptureEvent& e, std::int64_t flush_ms,
                             std::string_view unique) {
  const std::tm hour = Utc(e.time_ms);
  const std::tm flush = Utc(flush_ms);
  char path[160];
  std::snprintf(path, sizeof(path), "%04d/%02d/%02d/%02d/%02d-%02d-%03d-", hour.tm_year + 1900,
                hour.tm_mon + 1, hour.tm_mday, hour.tm_hour, flush.tm_min, flush.tm_sec,
                static_cast<int>(flush_ms % 1000));
  std::string key(prefix);
  if (!key.empty())
    key += '/';
  key += e.endpoint + "/" + e.variant + "/" + path + std::string(unique) + ".jsonl";
  return key;
}

CaptureWriter::CaptureWriter(ObjectStore& store, const Clock& clock,
                             std::chrono::milliseconds flush_interval,
                             std::size_t max_buffered_bytes)
    : store_(store),
      clock_(clock),
      interval_(flush_interval),
      max_bytes_(max_buffered_bytes),
      thread_([this](std::stop_token stop) { Run(stop); }) {}

CaptureWriter::~CaptureWriter() {
  thread_.request_stop();
  thread_.join();
  (void)Flush();
}

void CaptureWriter::Submit(CaptureEvent event) {
  const std::size_t bytes = event.input.size() + event.output.size() + 256;
  std::lock_guard<std::mutex> lock(mu_);
  if (queued_bytes_ + bytes > max_bytes_) {
    ++dropped_;
    return;
  }
  queued_bytes_ += bytes;
  queue_.push_back(std::move(event));
}

void CaptureWriter::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, stop, interval_, [] { return false; });
    }
    if (stop.stop_requested())
      return;
    (void)Flush();
  }
}

Status CaptureWriter::Flush() {
  std::lock_guard<std::mutex> serial(flush_mu_);
  std::deque<CaptureEvent> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(queue_);
    queued_bytes_ = 0;
  }
  if (batch.empty())
    return Status::Ok();
  // One object per destination, endpoint, variant and hour.
  using Group = std::tuple<std::string, std::string, std::string, std::int64_t>;
  std::map<Group, std::vector<const CaptureEvent*>> groups;
  for (const CaptureEvent& e : batch)
    groups[{e.destination, e.endpoint, e.variant, e.time_ms / 3'600'000}].push_back(&e);
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
          .count();
  Status first = Status::Ok();
  for (const auto& [group, events] : groups) {
    std::string body;
    for (const CaptureEvent* e : events) {
      body += CaptureRecordJson(*e);
      body += '\n';
    }
    std::string bucket;
    std::string prefix;
    Status put = Status::Ok();
    if (!SplitDestination(std::get<0>(group), &bucket, &prefix)) {
      put = Status::InvalidArgument("DestinationS3Uri " + std::get<0>(group) +
                                    " is not s3://bucket[/prefix]");
    } else {
      char unique[40];
      std::snprintf(unique, sizeof(unique), "%016llx-%06llu",
                    static_cast<unsigned long long>(now_ms),
                    static_cast<unsigned long long>(++objects_));
      const std::string key = CaptureObjectKey(prefix, *events.front(), now_ms, unique);
      put = [&]() -> Status {
        ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> blob, store_.NewBlob());
        RETURN_IF_ERROR(blob->Append(body));
        RETURN_IF_ERROR(blob->Finish());
        ObjectAttributes attributes;
        attributes.content_type = "application/jsonlines";
        return store_.PutObject(bucket, key, std::move(blob), attributes).status();
      }();
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (put.ok()) {
      written_ += events.size();
    } else {
      dropped_ += events.size();
      if (first.ok())
        first = put;
    }
  }
  return first;
}

std::uint64_t CaptureWriter::written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

std::uint64_t CaptureWriter::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace kiln
