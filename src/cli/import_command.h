// `kiln import SOURCE s3://bucket/key`: copies a local file or directory, an http(s) URL, or
// objects of an S3-compatible store into a Kiln server (or any S3 endpoint), with a progress
// display and resumable multipart uploads (see s3client/resumable_upload.h).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kiln {

struct ImportCommandArgs {
  // A local file or directory, http(s)://..., or s3://bucket/key and s3://bucket/prefix/.
  std::string source;
  std::string destination;  // s3://bucket/key, or s3://bucket/prefix/ (the source's name is added)
  std::string endpoint_url = "http://127.0.0.1:8080";  // the destination server
  // Destination keys: --access-key-id/--secret-access-key, else AWS_ACCESS_KEY_ID /
  // AWS_SECRET_ACCESS_KEY (main reads the environment). Empty: unsigned requests.
  std::string access_key_id;
  std::string secret_access_key;
  // For s3:// sources: the store to read from. Empty: the destination endpoint and its keys (a copy
  // inside Kiln). With an endpoint but no keys the source is read unsigned (public buckets).
  std::string source_endpoint_url;
  std::string source_access_key_id;
  std::string source_secret_access_key;
  std::uint64_t part_size_mib = 8;
  std::string region = "us-east-1";
  std::string ca_bundle;  // PEM certificates to trust for https, instead of the system store
  // Where resume state lives ($XDG_CACHE_HOME/kiln/import or ~/.cache/kiln/import; main decides).
  // Empty: an interrupted multipart upload is aborted instead of kept.
  std::string state_dir;
};

// Prints progress on stderr (a bar on a terminal) and, at the end, `imported N objects, X bytes to
// s3://... in S s (R MB/s)` on stdout.
Status RunImportCommand(const ImportCommandArgs& args);

}  // namespace kiln
