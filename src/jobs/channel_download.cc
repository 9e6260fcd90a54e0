#include "jobs/channel_download.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "s3client/http_source.h"
#include "s3client/url.h"
#include "store/object_store.h"

namespace kiln {
namespace {

// The path of `key` below the channel directory, or an error for unsafe keys.
Result<std::string> RelativePath(const std::string& key, const std::string& prefix) {
  std::string rel = key.substr(prefix.size());
  while (!rel.empty() && rel.front() == '/')
    rel.erase(0, 1);
  if (rel.empty()) {
    const std::size_t slash = key.rfind('/');
    rel = slash == std::string::npos ? key : key.substr(slash + 1);
  }
  std::string out;
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t slash = rel.find('/', start);
    if (slash == std::string::npos)
      slash = rel.size();
    const std::string part = rel.substr(start, slash - start);
    start = slash + 1;
    if (part.empty())
      continue;
    if (part == "." || part == "..") {
      return Status::InvalidArgument("object key \"" + key +
                                     "\" has a \".\" or \"..\" segment; rename it");
    }
    out += (out.empty() ? "" : "/") + part;
  }
  if (out.empty())
    return Status::InvalidArgument("object key \"" + key + "\" gives no file name");
  return out;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

Status CopyObject(ObjectStore& store, const std::string& bucket, const std::string& key,
                  const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> reader, store.OpenObject(bucket, key));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::unique_ptr<std::FILE, FileCloser> out(std::fopen(path.c_str(), "wbe"));
  if (out == nullptr)
    return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  std::vector<char> buf(1 << 20);
  std::uint64_t offset = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, reader->ReadAt(offset, buf.data(), buf.size()));
    if (n == 0)
      break;
    if (std::fwrite(buf.data(), 1, n, out.get()) != n)
      return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
    offset += n;
  }
  if (std::fflush(out.get()) != 0)
    return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

// An http(s):// channel: one file, fetched with retries, resumed ranges and redirects.
Result<DownloadedChannel> DownloadUrl(const ChannelSpec& channel, const std::string& dir,
                                      const JobControl& control) {
  ASSIGN_OR_RETURN(Url url, ParseUrl(channel.url));
  std::string name = url.target.substr(0, url.target.find('?'));
  name = name.substr(name.rfind('/') + 1);
  if (name.empty() || name == "." || name == "..")
    name = "data";
  const std::string path = dir + "/" + name;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::unique_ptr<std::FILE, FileCloser> out(std::fopen(path.c_str(), "wbe"));
  if (out == nullptr)
    return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  std::unique_ptr<ObjectSource> source = NewHttpSource(url, HttpSourceOptions());
  std::uint64_t bytes = 0;
  const BodySink sink = [&](std::string_view chunk) -> Status {
    if (control.Check() != StopCause::kNone)
      return Status::Cancelled("stopped while downloading");
    if (std::fwrite(chunk.data(), 1, chunk.size(), out.get()) != chunk.size())
      return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
    bytes += chunk.size();
    return Status::Ok();
  };
  Status s = source->ReadFrom(0, sink);
  if (!s.ok())
    return s.WithContext("channel \"" + channel.name + "\": cannot download " + channel.url);
  if (std::fflush(out.get()) != 0)
    return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  DownloadedChannel got;
  got.files.push_back({path, channel.url});
  got.bytes = bytes;
  return got;
}

}  // namespace

Result<DownloadedChannel> DownloadChannel(ObjectStore& store, const ChannelSpec& channel,
                                          const std::string& dir, const JobControl& control) {
  if (!channel.url.empty())
    return DownloadUrl(channel, dir, control);
  const S3Location& src = channel.source;
  DownloadedChannel out;
  ListObjectsQuery query;
  query.prefix = src.key;
  while (true) {
    ASSIGN_OR_RETURN(ListObjectsResult page, store.ListObjects(src.bucket, query));
    for (const ObjectInfo& o : page.contents) {
      if (o.key.ends_with('/') && o.size == 0)
        continue;
      if (control.Check() != StopCause::kNone)
        return Status::Cancelled("stopped while downloading");
      ASSIGN_OR_RETURN(std::string rel, RelativePath(o.key, src.key));
      const std::string path = dir + "/" + rel;
      RETURN_IF_ERROR(CopyObject(store, src.bucket, o.key, path));
      out.files.push_back({path, "s3://" + src.bucket + "/" + o.key});
      out.bytes += o.size;
    }
    if (!page.truncated)
      break;
    query.start_after = page.next_start_after;
  }
  if (out.files.empty()) {
    return Status::InvalidArgument("No S3 objects found under S3 URL \"" + src.Uri() +
                                   "\" given in input data source of channel \"" + channel.name +
                                   "\". Please ensure that the bucket exists and that objects "
                                   "exist under that S3 prefix.");
  }
  return out;
}

}  // namespace kiln
