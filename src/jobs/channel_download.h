// Copying a training channel from the object store into the job's workspace, as SageMaker's File
// input mode does: every object under the channel's S3 prefix lands in
// `<workspace>/input/data/<channel>/`, keyed relative to the prefix (a URI naming one object keeps
// its file name). "Folder" marker keys (ending in '/') are skipped; keys that would escape the
// directory ("..") are refused. Thread-safety: a call owns its directory; the store is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/csv_dataset.h"
#include "jobs/job_control.h"
#include "jobs/training_request.h"

namespace kiln {

class ObjectStore;

struct DownloadedChannel {
  std::vector<ChannelFile> files;  // sorted by key
  std::uint64_t bytes = 0;
};

// Downloads `channel` into `dir` (created). InvalidArgument when the prefix holds no objects (the
// message AWS gives) or a key is unsafe; the store's errors otherwise; Cancelled when `control`
// asks to stop between objects.
Result<DownloadedChannel> DownloadChannel(ObjectStore& store, const ChannelSpec& channel,
                                          const std::string& dir, const JobControl& control);

}  // namespace kiln
