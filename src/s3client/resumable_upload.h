// UploadObject: copies one object from an ObjectSource into an S3 bucket, resumably; the engine of
// `kiln import`.
//
// Objects up to one part go up in a single PutObject. Larger ones (and streams of unknown length
// that outgrow one part) become a multipart upload whose parts are sent as they are read: straight
// from file ranges for local files, else through one part-sized buffer, so memory stays constant.
// After each part the UploadState file is rewritten; on failure the upload is left open and the
// error says to run the command again. A later call with the same source and destination checks
// the source identity, lists the parts on the server (ListParts), keeps the leading parts both
// agree on and continues from the first missing one; a changed source aborts the old upload and
// starts over. The state file is removed once the object is complete.
//
// Not thread-safe: the source and client belong to the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "s3client/object_source.h"
#include "s3client/part_plan.h"
#include "s3client/s3_client.h"

namespace kiln {

struct UploadObjectOptions {
  std::uint64_t part_size = 8 * kMiB;  // raised when the object would not fit in 10,000 parts
  // Where resume state files live (e.g. ~/.cache/kiln/import). Empty: no state; a failed multipart
  // upload is aborted instead.
  std::string state_dir;
  // Names the destination in the state file's key: endpoint URL + " " + s3://bucket/key.
  std::string destination_name;
  std::function<void(const SourceInfo&)> on_info;  // what the source's Stat said
  std::function<void(std::uint64_t)> on_bytes;     // bytes read and sent in this run
  std::function<void(std::uint64_t)> on_skipped;   // bytes kept from an interrupted run
  std::function<void(const std::string&)> on_message;
};

struct UploadOutcome {
  std::uint64_t size = 0;
  std::string etag;
  int parts = 0;          // 0 for a single PutObject
  int resumed_parts = 0;  // parts kept from an interrupted run
};

Result<UploadOutcome> UploadObject(ObjectSource& source, S3Client& dest, const std::string& bucket,
                                   const std::string& key, const UploadObjectOptions& options);

}  // namespace kiln
