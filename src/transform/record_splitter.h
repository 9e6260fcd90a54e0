// RecordSplitter: cuts an input stream into the records a transform job sends to the model
// (TransformInput.SplitType):
//
//   Line   one record per line ("\n" or "\r\n"); blank lines are skipped (they would give no
//          prediction and break the one-output-line-per-record alignment)
//   None   the whole object is one record
//
// A UTF-8 BOM at the start of the object is dropped. Memory is bounded: the buffer holds one chunk
// plus the record being read, and a record longer than `max_record_bytes` is an error naming its
// line ("line 12: the record is more than 6291456 bytes, MaxPayloadInMB's limit") rather than a
// reason to buffer more.
//
// Thread-safety: owned by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "transform/input_stream.h"

namespace kiln {

enum class SplitType { kNone, kLine };

struct Record {
  std::string_view text;   // valid until the next call to Next
  std::uint64_t line = 0;  // the line it starts on, counting from 1
};

class RecordSplitter {
 public:
  // `in` must outlive the splitter. `chunk_bytes` is the read size.
  RecordSplitter(InputStream& in, SplitType split, std::size_t max_record_bytes,
                 std::size_t chunk_bytes = 1 << 20);

  // The next record into `*record`; false at the end. InvalidArgument for a record above the
  // limit; the stream's errors otherwise.
  Result<bool> Next(Record* record);

 private:
  // Reads one more chunk into buffer_ (compacting first); false at the end of the stream.
  Result<bool> Fill();
  Status TooLong(std::uint64_t line) const;

  InputStream& in_;
  const SplitType split_;
  const std::size_t max_record_bytes_;
  const std::size_t chunk_bytes_;
  std::string buffer_;
  std::size_t pos_ = 0;  // start of the unread part of buffer_
  bool eof_ = false;
  bool started_ = false;
  bool done_ = false;       // SplitType None: the record was returned
  std::uint64_t line_ = 0;  // lines consumed so far
};

}  // namespace kiln
