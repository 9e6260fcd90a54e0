#include "api/aws_chunked.h"

#include <algorithm>
#include <cstring>

namespace kiln {

namespace {
Status Malformed(const std::string& why) {
  return Status::InvalidArgument("malformed aws-chunked body: " + why).WithReason("IncompleteBody");
}
}  // namespace

Status AwsChunkedReader::Fill() {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > (1u << 20)) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  char tmp[64 * 1024];
  ASSIGN_OR_RETURN(std::size_t n, source_.Read(tmp, sizeof(tmp)));
  if (n == 0)
    return Malformed("the body ended inside the chunk framing");
  buf_.append(tmp, n);
  return Status::Ok();
}

Result<std::string> AwsChunkedReader::ReadLine() {
  while (true) {
    const std::size_t eol = buf_.find("\r\n", pos_);
    if (eol != std::string::npos) {
      std::string line = buf_.substr(pos_, eol - pos_);
      pos_ = eol + 2;
      return line;
    }
    if (buf_.size() - pos_ > 64 * 1024)
      return Malformed("a chunk header or trailer line is longer than 64 KiB");
    RETURN_IF_ERROR(Fill());
  }
}

Result<std::size_t> AwsChunkedReader::Read(char* out, std::size_t n) {
  while (true) {
    switch (state_) {
      case State::kDone:
        return std::size_t{0};
      case State::kSize: {
        ASSIGN_OR_RETURN(std::string line, ReadLine());
        const std::string hex = line.substr(0, line.find(';'));
        if (hex.empty() || hex.size() > 16 ||
            hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
          return Malformed("bad chunk size \"" + hex + "\"");
        chunk_left_ = std::stoull(hex, nullptr, 16);
        state_ = chunk_left_ == 0 ? State::kTrailers : State::kData;
        break;
      }
      case State::kData: {
        if (n == 0)
          return std::size_t{0};
        if (pos_ < buf_.size()) {
          const std::size_t take = static_cast<std::size_t>(
              std::min<std::uint64_t>({chunk_left_, buf_.size() - pos_, n}));
          std::memcpy(out, buf_.data() + pos_, take);
          pos_ += take;
          chunk_left_ -= take;
          if (chunk_left_ == 0)
            state_ = State::kDataEnd;
          return take;
        }
        // Nothing buffered: read straight into the caller's buffer.
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, n));
        ASSIGN_OR_RETURN(std::size_t got, source_.Read(out, want));
        if (got == 0)
          return Malformed("the body ended inside a chunk");
        chunk_left_ -= got;
        if (chunk_left_ == 0)
          state_ = State::kDataEnd;
        return got;
      }
      case State::kDataEnd: {
        ASSIGN_OR_RETURN(std::string line, ReadLine());
        if (!line.empty())
          return Malformed("a chunk is longer than its declared size");
        state_ = State::kSize;
        break;
      }
      case State::kTrailers: {
        ASSIGN_OR_RETURN(std::string line, ReadLine());
        if (line.empty()) {
          state_ = State::kDone;
          break;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos)
          return Malformed("bad trailer line \"" + line + "\"");
        std::string name = line.substr(0, colon);
        for (char& c : name)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
          value.erase(0, 1);
        trailers_.emplace_back(std::move(name), std::move(value));
        break;
      }
    }
  }
}

}  // namespace kiln
