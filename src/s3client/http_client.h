// HttpClient: a blocking HTTP/1.1 client for one origin (scheme, host, port), used by Kiln's S3
// client and by `kiln import` to read http(s) sources.
//
// Why our own: the import streams multi-GB objects in constant memory, so request bodies come from
// memory or straight from a file range, and response bodies go to a sink in chunks. It keeps one
// connection alive across requests and reconnects (once, transparently) when a reused connection
// turns out to be closed by the server. Every connect, read and write has a timeout. `https://`
// uses TLS with SNI, verifying the server certificate and host name against the system store (or
// `ca_file`). Transport failures are IoError with reason "ConnectionError", "Timeout" or
// "TlsError" (see IsTransientTransportError); HTTP error statuses are not errors here, the caller
// reads them from the response.
//
// Not thread-safe: one HttpClient per thread (it owns one connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "s3client/url.h"

namespace kiln {

struct HttpConnection;  // the open connection, defined in http_client.cc

using HttpHeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{15'000};  // DNS + TCP connect + TLS handshake
  std::chrono::milliseconds io_timeout{120'000};      // each read or write making no progress
  std::string ca_file;  // PEM bundle to trust for https instead of the system store (empty: system)
  std::string user_agent = "kiln/" KILN_VERSION;
  // Largest response body kept in memory when no sink is given (and for error bodies).
  std::size_t max_buffered_body = 64 << 20;

  Status Validate() const;
};

// A request body: nothing, bytes in memory (borrowed: must outlive Send), or a range of a file
// streamed from disk.
struct RequestBody {
  std::string_view data;
  std::string file_path;  // when set, the body is [file_offset, file_offset + file_length)
  std::uint64_t file_offset = 0;
  std::uint64_t file_length = 0;

  static RequestBody Memory(std::string_view bytes) { return RequestBody{bytes, "", 0, 0}; }
  static RequestBody File(std::string path, std::uint64_t offset, std::uint64_t length) {
    return RequestBody{{}, std::move(path), offset, length};
  }
  bool is_file() const { return !file_path.empty(); }
  std::uint64_t size() const { return is_file() ? file_length : data.size(); }
};

struct HttpClientRequest {
  std::string method = "GET";
  std::string target = "/";  // path + optional query, already percent-encoded
  HttpHeaderList headers;    // Host and User-Agent are added when absent
  RequestBody body;
  // Send Content-Length even when the body is empty (PUT/POST do; GET/HEAD/DELETE don't).
  bool send_content_length = false;
};

struct HttpClientResponse {
  int status = 0;
  HttpHeaderList headers;
  // The body when no sink was given, or when the status is not 2xx (at most max_buffered_body).
  std::string body;
  // Body bytes passed to the sink.
  std::uint64_t streamed_bytes = 0;

  // The first value of header `name` (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Receives a response body chunk by chunk. A non-OK status stops the transfer; Send returns it.
using BodySink = std::function<Status(std::string_view chunk)>;

// True for transport failures worth retrying (reset, refused, timeout, truncated response); false
// for certificate errors, unknown hosts and everything that is not a transport failure.
bool IsTransientTransportError(const Status& status);

class HttpClient {
 public:
  HttpClient(Url origin, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and reads the response. With a sink, a 2xx response's body goes to the sink
  // (other statuses are buffered into `body`). `on_head`, when set, sees the status and headers
  // before any body byte; returning an error aborts (and is returned).
  Result<HttpClientResponse> Send(
      const HttpClientRequest& request, const BodySink* sink = nullptr,
      const std::function<Status(const HttpClientResponse&)>* on_head = nullptr);

  // Drops the connection (the next Send reconnects).
  void Close();

  const Url& origin() const { return origin_; }

 private:
  Url origin_;
  HttpClientOptions options_;
  std::unique_ptr<HttpConnection> impl_;
};

}  // namespace kiln
