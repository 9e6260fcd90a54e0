// The resume state file as JSON, written atomically (see upload_state.h). Thread-compatible.
#include "s3client/upload_state.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "common/digest.h"
#include "common/file_util.h"

namespace kiln {

namespace fs = std::filesystem;

std::string UploadStatePath(const std::string& dir, std::string_view source,
                            std::string_view destination) {
  std::string id(source);
  id += '\n';
  id += destination;
  return (fs::path(dir) / (Sha256Hex(id) + ".json")).string();
}

std::string UploadStateToJson(const UploadState& state) {
  nlohmann::json parts = nlohmann::json::array();
  for (const UploadedPart& p : state.parts)
    parts.push_back({{"number", p.number}, {"etag", p.etag}, {"size", p.size}});
  const nlohmann::json j = {{"version", 1},
                            {"source", state.source},
                            {"destination", state.destination},
                            {"upload_id", state.upload_id},
                            {"part_size", state.part_size},
                            {"source_identity", state.source_identity},
                            {"parts", parts}};
  return j.dump(2) + "\n";
}

Result<UploadState> UploadStateFromJson(std::string_view json, std::string_view where) {
  try {
    const nlohmann::json j = nlohmann::json::parse(json);
    if (j.value("version", 0) != 1)
      return Status::Corruption(std::string(where) + ": not a version 1 import state file");
    UploadState s;
    s.source = j.at("source").get<std::string>();
    s.destination = j.at("destination").get<std::string>();
    s.upload_id = j.at("upload_id").get<std::string>();
    s.part_size = j.at("part_size").get<std::uint64_t>();
    s.source_identity = j.at("source_identity").get<std::string>();
    for (const auto& p : j.at("parts")) {
      s.parts.push_back(UploadedPart{p.at("number").get<int>(), p.at("etag").get<std::string>(),
                                     p.at("size").get<std::uint64_t>()});
    }
    if (s.upload_id.empty() || s.part_size == 0)
      return Status::Corruption(std::string(where) + ": no upload id or part size");
    return s;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string(where) + ": not an import state file (" + e.what() + ")");
  }
}

Result<std::optional<UploadState>> LoadUploadState(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (text.error().code() == StatusCode::kNotFound)
      return std::optional<UploadState>();
    return text.error();
  }
  ASSIGN_OR_RETURN(UploadState state, UploadStateFromJson(*text, path));
  return std::optional<UploadState>(std::move(state));
}

Status SaveUploadState(const std::string& path, const UploadState& state) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec)
    return Status::IoError("cannot create " + fs::path(path).parent_path().string() + ": " +
                           ec.message());
  return WriteFileAtomic(path, UploadStateToJson(state));
}

Status RemoveUploadState(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec)
    return Status::IoError("cannot remove " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace kiln
