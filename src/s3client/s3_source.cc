// The S3 ObjectSource (see s3_source.h): HeadObject, then GetObject guarded by If-Match.
#include "s3client/s3_source.h"

namespace kiln {
namespace {

class S3Source final : public ObjectSource {
 public:
  S3Source(S3Client& client, std::string bucket, std::string key)
      : client_(client), bucket_(std::move(bucket)), key_(std::move(key)) {}

  std::string name() const override {
    return client_.endpoint_url() + " " + S3Resource(bucket_, key_);
  }

  Result<SourceInfo> Stat() override {
    Result<S3ObjectInfo> head = client_.HeadObject(bucket_, key_);
    if (!head.ok()) {
      if (head.error().code() == StatusCode::kNotFound)
        return Status::NotFound(S3Resource(bucket_, key_) + " does not exist on " +
                                client_.endpoint_url() +
                                " (no such bucket or key; to import every object under a prefix, "
                                "end it with /)")
            .WithReason("NoSuchKey");
      return head.error();
    }
    etag_ = head->etag;
    SourceInfo info;
    info.size = head->size;
    info.identity = "etag=" + head->etag + ";last-modified=" + head->last_modified +
                    ";length=" + std::to_string(head->size);
    info.content_type = head->content_type;
    return info;
  }

  Status ReadFrom(std::uint64_t offset, const BodySink& sink) override {
    Result<S3ObjectInfo> r = client_.GetObject(bucket_, key_, offset, std::nullopt, etag_, sink);
    if (!r.ok() && r.error().reason() == "PreconditionFailed")
      return Status::FailedPrecondition(S3Resource(bucket_, key_) +
                                        " changed while it was being imported")
          .WithReason("SourceChanged");
    return r.status();
  }

 private:
  S3Client& client_;
  std::string bucket_;
  std::string key_;
  std::string etag_;
};

}  // namespace

std::unique_ptr<ObjectSource> NewS3Source(S3Client& client, std::string bucket, std::string key) {
  return std::make_unique<S3Source>(client, std::move(bucket), std::move(key));
}

}  // namespace kiln
