// UploadState: the small JSON file that makes an interrupted `kiln import` resumable.
//
// While a multipart upload runs, `<state dir>/<sha256 of source + destination>.json` records the
// upload id, the part size, the parts done (number, ETag, size) and the source's identity. It is
// rewritten atomically after every part, so a crash, Ctrl-C or kill -9 leaves the last complete
// version; the same command run again finds it, checks the source is unchanged and the parts are
// still on the server, and continues. It is removed when the object is complete. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "s3client/s3_xml.h"

namespace kiln {

struct UploadState {
  std::string source;       // the source's name (path, URL, s3:// URI with endpoint)
  std::string destination;  // endpoint + s3://bucket/key
  std::string upload_id;
  std::uint64_t part_size = 0;
  std::string source_identity;
  std::vector<UploadedPart> parts;  // ascending part numbers

  bool operator==(const UploadState&) const = default;
};

// `<dir>/<hex sha256 of source "\n" destination>.json`.
std::string UploadStatePath(const std::string& dir, std::string_view source,
                            std::string_view destination);

std::string UploadStateToJson(const UploadState& state);
// Corruption (naming `where`) when the text is not a state file.
Result<UploadState> UploadStateFromJson(std::string_view json, std::string_view where);

// nullopt when there is no file; Corruption when it does not parse.
Result<std::optional<UploadState>> LoadUploadState(const std::string& path);
// Creates the directory when needed, then replaces the file atomically.
Status SaveUploadState(const std::string& path, const UploadState& state);
// Removes the file; OK when it is already gone.
Status RemoveUploadState(const std::string& path);

}  // namespace kiln
