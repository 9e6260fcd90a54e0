// CheckBucketExists: the create-time check training and transform jobs make on the buckets their
// request names, so a typo is a ValidationException naming the member instead of a failed job.
// Thread-safe (the store is).
#pragma once

#include <string>

#include "common/status.h"

namespace kiln {

class ObjectStore;

// Ok when `bucket` exists. InvalidArgument naming `field` (e.g. "TransformOutput.S3OutputPath") and
// saying how to create it when it does not or its name is invalid; the store's error otherwise.
Status CheckBucketExists(ObjectStore& store, const std::string& field, const std::string& bucket);

}  // namespace kiln
