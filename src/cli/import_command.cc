// `kiln import`: plans the objects to copy (file, directory, URL, S3 object or prefix), checks the
// destination, then uploads each with UploadObject under one progress display. Single-threaded.
#include "cli/import_command.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "common/clock.h"
#include "s3client/http_source.h"
#include "s3client/object_source.h"
#include "s3client/resumable_upload.h"
#include "s3client/s3_client.h"
#include "s3client/s3_source.h"
#include "s3client/transfer_progress.h"
#include "s3client/url.h"

namespace kiln {
namespace {

namespace fs = std::filesystem;

// One object to import.
struct Item {
  std::unique_ptr<ObjectSource> source;
  std::string key;
  std::optional<std::uint64_t> size;  // when known before the upload starts
};

struct Plan {
  std::vector<Item> items;
  bool many = false;  // a directory or a prefix: the destination is a prefix
};

// Ctrl-C or kill: the state file on disk is always complete (atomic writes), so just say how to
// go on and exit with the shell's 128 + signal convention.
void OnInterrupt(int sig) {
  static const char kMessage[] =
      "\nkiln: interrupted; run the same command again to resume the upload\n";
  ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
  ::_exit(128 + sig);
}

// The key of a single object: the destination key, or the destination prefix + `name`.
Result<std::string> SingleKey(const S3Uri& dest, const std::string& name, const std::string& what) {
  if (!dest.IsPrefix())
    return dest.key;
  if (name.empty())
    return Status::InvalidArgument("cannot name the object from " + what + "; give the key: s3://" +
                                   dest.bucket + "/" + dest.key + "NAME");
  return dest.key + name;
}

std::string PrefixOf(const S3Uri& dest) {
  if (dest.key.empty() || dest.key.back() == '/')
    return dest.key;
  return dest.key + "/";
}

Status PlanLocal(const ImportCommandArgs& args, const S3Uri& dest, Plan* plan) {
  std::error_code ec;
  const fs::path path = fs::absolute(args.source, ec);
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st))
    return Status::NotFound(args.source + ": no such file or directory");
  if (fs::is_regular_file(st)) {
    ASSIGN_OR_RETURN(std::string key, SingleKey(dest, path.filename().string(), args.source));
    plan->items.push_back(Item{NewLocalFileSource(path.lexically_normal().string()), key,
                               static_cast<std::uint64_t>(fs::file_size(path, ec))});
    return Status::Ok();
  }
  if (!fs::is_directory(st))
    return Status::InvalidArgument(args.source + " is neither a regular file nor a directory");
  plan->many = true;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec))
      files.push_back(it->path());
  }
  if (ec)
    return Status::IoError("cannot list " + args.source + ": " + ec.message());
  if (files.empty())
    return Status::NotFound(args.source + " contains no files to import");
  std::sort(files.begin(), files.end());
  const std::string prefix = PrefixOf(dest);
  for (const fs::path& f : files) {
    const std::string rel = f.lexically_relative(path).generic_string();
    plan->items.push_back(Item{NewLocalFileSource(f.lexically_normal().string()), prefix + rel,
                               static_cast<std::uint64_t>(fs::file_size(f, ec))});
  }
  return Status::Ok();
}

Status PlanS3(S3Client& client, const S3Uri& src, const S3Uri& dest, Plan* plan) {
  if (!src.IsPrefix()) {
    const std::size_t slash = src.key.rfind('/');
    ASSIGN_OR_RETURN(std::string key,
                     SingleKey(dest, src.key.substr(slash == std::string::npos ? 0 : slash + 1),
                               src.ToString()));
    plan->items.push_back(Item{NewS3Source(client, src.bucket, src.key), key, std::nullopt});
    return Status::Ok();
  }
  plan->many = true;
  const std::string prefix = PrefixOf(dest);
  std::string token;
  do {
    Result<ObjectListing> page = client.ListObjectsV2(src.bucket, src.key, token);
    if (!page.ok()) {
      if (page.error().reason() == "NoSuchBucket")
        return Status::NotFound("the source bucket \"" + src.bucket + "\" does not exist on " +
                                client.endpoint_url());
      return page.error();
    }
    for (const ListedObject& o : page->objects) {
      if (o.key.back() == '/')
        continue;  // a "folder" marker
      plan->items.push_back(Item{NewS3Source(client, src.bucket, o.key),
                                 prefix + o.key.substr(src.key.size()), o.size});
    }
    token = page->truncated ? page->next_token : "";
  } while (!token.empty());
  if (plan->items.empty())
    return Status::NotFound("no objects under " + src.ToString() + " on " + client.endpoint_url());
  return Status::Ok();
}

// Fails early, with advice, when the destination bucket is missing or the keys are refused.
Status CheckDestination(S3Client& dest, const ImportCommandArgs& args, const S3Uri& uri) {
  Result<ObjectListing> r = dest.ListObjectsV2(uri.bucket, "", "", 1);
  if (r.ok())
    return Status::Ok();
  const Status& e = r.error();
  const std::string& code = e.reason();
  if (code == "NoSuchBucket")
    return Status::NotFound("the destination bucket \"" + uri.bucket + "\" does not exist on " +
                            args.endpoint_url +
                            "; kiln import does not create buckets: create it "
                            "with `aws s3 mb s3://" +
                            uri.bucket + " --endpoint-url " + args.endpoint_url + "`")
        .WithReason(code);
  if (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" || code == "AccessDenied")
    return Status(e.code(), e.message() +
                                " (check --access-key-id/--secret-access-key or "
                                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" +
                                (args.access_key_id.empty() ? "; none were given" : "") + ")")
        .WithReason(code);
  return e;
}

std::string Plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Status RunImportCommand(const ImportCommandArgs& args) {
  ASSIGN_OR_RETURN(S3Uri dest_uri, ParseS3Uri(args.destination));
  if (args.part_size_mib < kMinPartSize / kMiB || args.part_size_mib > kMaxPartSize / kMiB)
    return Status::InvalidArgument("--part-size must be from 5 to 5120 (MiB), got " +
                                   std::to_string(args.part_size_mib));

  HttpClientOptions http;
  http.ca_file = args.ca_bundle;
  S3ClientOptions dest_options;
  dest_options.endpoint_url = args.endpoint_url;
  dest_options.access_key_id = args.access_key_id;
  dest_options.secret_access_key = args.secret_access_key;
  dest_options.region = args.region;
  dest_options.http = http;
  Result<std::unique_ptr<S3Client>> created_dest = S3Client::Create(dest_options);
  if (!created_dest.ok())
    return created_dest.error().WithContext("--endpoint-url");
  std::unique_ptr<S3Client> dest = std::move(*created_dest);

  Plan plan;
  std::unique_ptr<S3Client> source_client;
  if (args.source.rfind("s3://", 0) == 0) {
    ASSIGN_OR_RETURN(S3Uri src, ParseS3Uri(args.source));
    S3ClientOptions src_options = dest_options;
    if (!args.source_endpoint_url.empty()) {
      src_options.endpoint_url = args.source_endpoint_url;
      src_options.access_key_id.clear();
      src_options.secret_access_key.clear();
    }
    if (!args.source_access_key_id.empty() || !args.source_secret_access_key.empty()) {
      src_options.access_key_id = args.source_access_key_id;
      src_options.secret_access_key = args.source_secret_access_key;
    }
    auto created = S3Client::Create(src_options);
    if (!created.ok())
      return created.error().WithContext("the source");
    source_client = std::move(*created);
    RETURN_IF_ERROR(CheckDestination(*dest, args, dest_uri));
    RETURN_IF_ERROR(PlanS3(*source_client, src, dest_uri, &plan));
  } else if (args.source.rfind("http://", 0) == 0 || args.source.rfind("https://", 0) == 0) {
    ASSIGN_OR_RETURN(Url url, ParseUrl(args.source));
    ASSIGN_OR_RETURN(std::string key,
                     SingleKey(dest_uri, LastPathSegment(url.Path()), args.source));
    HttpSourceOptions src_options;
    src_options.http = http;
    plan.items.push_back(Item{NewHttpSource(std::move(url), src_options), key, std::nullopt});
    RETURN_IF_ERROR(CheckDestination(*dest, args, dest_uri));
  } else {
    RETURN_IF_ERROR(PlanLocal(args, dest_uri, &plan));
    RETURN_IF_ERROR(CheckDestination(*dest, args, dest_uri));
  }

  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  SystemClock clock;
  TransferProgress progress(stderr, ::isatty(STDERR_FILENO) == 1, clock);
  std::optional<std::uint64_t> total = 0;
  for (const Item& item : plan.items)
    total = item.size && total ? std::optional<std::uint64_t>(*total + *item.size) : std::nullopt;
  progress.SetTotal(total);

  UploadObjectOptions options;
  options.part_size = args.part_size_mib * kMiB;
  options.state_dir = args.state_dir;
  options.on_bytes = [&](std::uint64_t n) { progress.Add(n); };
  options.on_skipped = [&](std::uint64_t n) { progress.AddSkipped(n); };
  options.on_message = [&](const std::string& m) { progress.Message(m); };
  if (plan.items.size() == 1) {
    options.on_info = [&](const SourceInfo& info) { progress.SetTotal(info.size); };
  }
  std::uint64_t bytes = 0;
  std::size_t imported = 0;
  for (Item& item : plan.items) {
    options.destination_name = args.endpoint_url + " " + S3Resource(dest_uri.bucket, item.key);
    Result<UploadOutcome> r = UploadObject(*item.source, *dest, dest_uri.bucket, item.key, options);
    if (!r.ok()) {
      progress.Finish();
      Status e = r.error();
      if (plan.many)
        e = e.WithContext(item.source->name() + " (after importing " + Plural(imported, "object") +
                          " of " + std::to_string(plan.items.size()) + ")");
      return e;
    }
    bytes += r->size;
    ++imported;
  }
  progress.Finish();
  const double seconds = progress.ElapsedSeconds();
  const std::string where = plan.many ? S3Resource(dest_uri.bucket, PrefixOf(dest_uri))
                                      : S3Resource(dest_uri.bucket, plan.items.front().key);
  std::printf("imported %s, %llu bytes to %s in %.2f s (%.1f MB/s)\n",
              Plural(imported, "object").c_str(), static_cast<unsigned long long>(bytes),
              where.c_str(), seconds,
              seconds > 0 ? static_cast<double>(progress.moved()) / seconds / 1e6 : 0.0);
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace kiln
