#include "jobs/bucket_check.h"

#include "store/object_store.h"

namespace kiln {

Status CheckBucketExists(ObjectStore& store, const std::string& field, const std::string& bucket) {
  auto got = store.GetBucket(bucket);
  if (got.ok())
    return Status::Ok();
  if (got.error().code() == StatusCode::kNotFound || got.error().reason() == "NoSuchBucket" ||
      got.error().reason() == "InvalidBucketName") {
    return Status::InvalidArgument(field + ": bucket \"" + bucket +
                                   "\" does not exist in Kiln's store; create it first (aws s3 mb "
                                   "s3://" +
                                   bucket + ")");
  }
  return got.error();
}

}  // namespace kiln
