// AwsChunkedReader: decodes the `aws-chunked` content encoding S3 clients use for streamed
// uploads (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailer>:<value>\r\n\r\n`), as
// boto3 sends over TLS with a CRC32 trailer. It wraps the HTTP body (already freed of HTTP
// chunking) and yields the payload; the trailers are available once the end is reached.
// Owned by one thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/http_message.h"

namespace kiln {

class AwsChunkedReader final : public BodyReader {
 public:
  explicit AwsChunkedReader(BodyReader& source) : source_(source) {}

  // Payload bytes; InvalidArgument with reason "IncompleteBody" on malformed framing.
  Result<std::size_t> Read(char* out, std::size_t n) override;
  bool done() const override { return state_ == State::kDone; }

  // Trailer headers (names lower case), valid once done().
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailers, kDone };
  // Fills buf_ until it holds a CRLF-terminated line; returns the line without CRLF.
  Result<std::string> ReadLine();
  Status Fill();

  BodyReader& source_;
  State state_ = State::kSize;
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t chunk_left_ = 0;
  std::vector<std::pair<std::string, std::string>> trailers_;
};

}  // namespace kiln
