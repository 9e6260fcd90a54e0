// HttpServer: Kiln's HTTP/1.1 server, one port for every API (S3, SageMaker, Runtime, Auto
// Scaling).
//
// Two paths share one port. A few I/O threads (default: one per hardware thread) run epoll: they
// accept connections, read them without blocking, and parse each request head. The handler then
// says whether the request may be served inline (HttpHandler::ServeInline). An inline request is
// one whose body is fully buffered — a Content-Length of at most `inline_body_limit`, no chunked
// body, no `Expect: 100-continue` — and whose handler does not block (InvokeEndpoint, /healthz,
// /metrics): it is handled on the I/O thread and its plain-body response is written without
// blocking (partial writes resume when the socket drains), with keep-alive and pipelining. Every
// other request (S3 streaming uploads and downloads, control-plane calls that write SQLite, TLS
// connections, anything that may block) hands its connection, with the bytes already read and the
// responses not yet sent, to the blocking path: a thread for that connection, which parses with
// Boost.Beast (keep-alive, chunked bodies, pipelining), streams bodies through BodyReader and
// responses from a callback or with sendfile(2), and stays with the connection until it closes.
//
// Idle connections time out on both paths; a handler that throws gets a 500 and the connection is
// closed — no request can take the process down. Connections beyond max_connections get a 503.
// Threads belong to the server and are joined by Stop().
//
// Thread-safe: Start/Stop from the owner; the handler is called from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/http_message.h"

namespace kiln {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called on an I/O thread or a connection's thread. Must be thread-safe.
  virtual HttpResponse Handle(HttpRequest& request) = 0;
  // Whether the request whose head is `head` (body not available yet: head.body is null) may be
  // handled inline on an I/O thread. Return true only for requests whose handling never blocks
  // (no disk writes, no locks held long, no waiting) and whose response has a plain `body` (a
  // streamed one is read into memory). Called on an I/O thread; must be thread-safe and cheap.
  virtual bool ServeInline(const HttpRequest& head) const {
    (void)head;
    return false;
  }
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // address to bind
  std::uint16_t port = 8080;       // 0 picks a free port
  // Connections beyond this get 503 and are closed.
  std::size_t max_connections = 1024;
  // A connection with no request bytes (or a stalled body or response) for this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  std::size_t header_limit = 64 * 1024;
  // I/O threads running epoll; 0: one per hardware thread.
  std::size_t io_threads = 0;
  // The largest body a request served inline may declare (SageMaker's 6 MiB InvokeEndpoint limit
  // plus headroom); larger ones go to the blocking path.
  std::size_t inline_body_limit = (6u << 20) + (64u << 10);
  // PEM files; both set: serve HTTPS (TLS 1.2+) instead of plain HTTP. TLS connections are all
  // served on the blocking path.
  std::string tls_cert_file;
  std::string tls_key_file;

  Status Validate() const;
};

class HttpServer {
 public:
  // Binds, listens and starts accepting. `handler` must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   HttpHandler& handler);
  ~HttpServer();  // Stop()s

  std::uint16_t port() const { return port_; }
  // Stops accepting, closes every connection (in-flight responses are cut) and joins the threads.
  void Stop();

 private:
  struct State;
  HttpServer(std::unique_ptr<State> state, std::uint16_t port);

  std::unique_ptr<State> state_;
  const std::uint16_t port_;
};

}  // namespace kiln
