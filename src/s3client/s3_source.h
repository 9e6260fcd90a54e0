// An ObjectSource reading one object of an S3-compatible store through an S3Client: HeadObject
// describes it, GetObject (ranged, If-Match on the ETag) streams it. Borrows the client, which must
// outlive the source; not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "s3client/object_source.h"
#include "s3client/s3_client.h"

namespace kiln {

std::unique_ptr<ObjectSource> NewS3Source(S3Client& client, std::string bucket, std::string key);

}  // namespace kiln
