#include "transform/record_splitter.h"

namespace kiln {

RecordSplitter::RecordSplitter(InputStream& in, SplitType split, std::size_t max_record_bytes,
                               std::size_t chunk_bytes)
    : in_(in),
      split_(split),
      max_record_bytes_(max_record_bytes),
      chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)) {}

Status RecordSplitter::TooLong(std::uint64_t line) const {
  return Status::InvalidArgument(
      "line " + std::to_string(line) + ": the record is more than " +
      std::to_string(max_record_bytes_) +
      " bytes, above MaxPayloadInMB; raise MaxPayloadInMB (at most 100) or split the record" +
      (split_ == SplitType::kNone ? " (SplitType None sends the whole object as one record; "
                                    "SplitType Line sends one line at a time)"
                                  : ""));
}

Result<bool> RecordSplitter::Fill() {
  if (eof_)
    return false;
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  const std::size_t old = buffer_.size();
  buffer_.resize(old + chunk_bytes_);
  ASSIGN_OR_RETURN(std::size_t got, in_.Read(buffer_.data() + old, chunk_bytes_));
  buffer_.resize(old + got);
  if (got == 0)
    eof_ = true;
  if (!started_ && buffer_.size() >= 3) {
    started_ = true;
    if (buffer_.compare(0, 3, "\xEF\xBB\xBF") == 0)
      buffer_.erase(0, 3);
  }
  return got > 0;
}

Result<bool> RecordSplitter::Next(Record* record) {
  if (split_ == SplitType::kNone) {
    if (done_)
      return false;
    done_ = true;
    while (true) {
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more)
        break;
      if (buffer_.size() > max_record_bytes_)
        return TooLong(1);
    }
    started_ = true;
    record->text = buffer_;
    record->line = 1;
    return !buffer_.empty();
  }
  std::size_t scan = pos_;  // where to look for the next "\n"
  while (true) {
    const std::size_t nl = buffer_.find('\n', scan);
    if (nl == std::string::npos) {
      if (buffer_.size() - pos_ > max_record_bytes_ + 1)
        return TooLong(line_ + 1);
      const std::size_t done = buffer_.size() - pos_;
      ASSIGN_OR_RETURN(bool more, Fill());
      scan = pos_ + done;
      if (more)
        continue;
      started_ = true;
      if (pos_ >= buffer_.size())
        return false;
    }
    const std::size_t end = nl == std::string::npos ? buffer_.size() : nl;
    std::string_view line(buffer_.data() + pos_, end - pos_);
    pos_ = nl == std::string::npos ? buffer_.size() : nl + 1;
    scan = pos_;
    ++line_;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.size() > max_record_bytes_)
      return TooLong(line_);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
      continue;
    record->text = line;
    record->line = line_;
    return true;
  }
}

}  // namespace kiln
