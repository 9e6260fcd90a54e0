// The object store's tables in the metadata database, as migrations of component "store".
//
//   store_buckets(name, created_ms)
//   store_objects(id, bucket, key, size, etag, crc32, last_modified_ms, part_count,
//                 content_type, user_metadata, headers)       UNIQUE (bucket, key)
//   store_segments(object_id, seq, blob, start_offset, length) — an object's bytes, in order
//   store_uploads(upload_id, bucket, key, initiated_ms, content_type, user_metadata, headers)
//   store_parts(upload_id, part_number, blob, size, etag, crc32, last_modified_ms)
//
// Keys are BLOBs (always bound as blobs) so ordering is memcmp, S3's bytewise order, and any
// byte survives. A blob file is in use while a segment or a part names it (indexes on `blob`);
// there is no reference count to drift. user_metadata and headers hold pair_codec encodings.
// Thread-safe (constant data).
#pragma once

#include <span>

#include "meta/database.h"

namespace kiln::store_internal {

inline constexpr char kStoreComponent[] = "store";

std::span<const Migration> StoreMigrations();

}  // namespace kiln::store_internal
