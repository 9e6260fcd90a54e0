#include "store/internal/store_schema.h"

#include <vector>

namespace kiln::store_internal {

std::span<const Migration> StoreMigrations() {
  static const std::vector<Migration> kMigrations = {
      {"0001_initial", R"sql(
CREATE TABLE store_buckets (
  name TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE store_objects (
  id INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL REFERENCES store_buckets(name),
  key BLOB NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  crc32 TEXT NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  part_count INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  user_metadata BLOB NOT NULL,
  headers BLOB NOT NULL,
  UNIQUE (bucket, key)
);

CREATE TABLE store_segments (
  object_id INTEGER NOT NULL REFERENCES store_objects(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  blob TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  length INTEGER NOT NULL,
  PRIMARY KEY (object_id, seq)
) WITHOUT ROWID;
CREATE INDEX store_segments_blob ON store_segments(blob);

CREATE TABLE store_uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL REFERENCES store_buckets(name),
  key BLOB NOT NULL,
  initiated_ms INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  user_metadata BLOB NOT NULL,
  headers BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX store_uploads_bucket_key ON store_uploads(bucket, key, initiated_ms);

CREATE TABLE store_parts (
  upload_id TEXT NOT NULL REFERENCES store_uploads(upload_id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL,
  blob TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  crc32 TEXT NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE INDEX store_parts_blob ON store_parts(blob);
)sql"},
  };
  return kMigrations;
}

}  // namespace kiln::store_internal
