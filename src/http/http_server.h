// HttpServer: Kiln's HTTP/1.1 server, one port for every API (S3, SageMaker, Runtime, Auto
// Scaling).
//
// Blocking I/O with a thread per connection: an accept thread hands each connection to its own
// thread, which parses requests with Boost.Beast's parser (keep-alive, chunked bodies, pipelining)
// and calls the handler synchronously. Bodies stream through BodyReader and responses can stream
// from a callback, so uploads and downloads of any size take constant memory. Idle connections
// time out; a handler that throws gets a 500 and the connection is closed — no request can take the
// process down. Threads belong to the server and are joined by Stop().
//
// Thread-safe: Start/Stop from the owner; the handler is called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "http/http_message.h"

struct ssl_ctx_st;

namespace kiln {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called on the connection's thread. Must be thread-safe.
  virtual HttpResponse Handle(HttpRequest& request) = 0;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // address to bind
  std::uint16_t port = 8080;       // 0 picks a free port
  // Connections beyond this get 503 and are closed.
  std::size_t max_connections = 1024;
  // A connection with no request bytes (or a stalled body) for this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  std::size_t header_limit = 64 * 1024;
  // PEM files; both set: serve HTTPS (TLS 1.2+) instead of plain HTTP.
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
  struct Connection;
  HttpServer(const HttpServerOptions& options, HttpHandler& handler, int listen_fd,
             std::uint16_t port);
  void AcceptLoop();
  void Serve(Connection* connection);
  void ReapFinishedLocked();

  const HttpServerOptions options_;
  HttpHandler& handler_;
  const int listen_fd_;
  const std::uint16_t port_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> next_request_{0};
  std::mutex mu_;
  std::list<std::unique_ptr<Connection>> connections_;  // GUARDED_BY(mu_)
  std::thread accept_thread_;
  struct SslCtxFree {
    void operator()(ssl_ctx_st* ctx) const;
  };
  std::unique_ptr<ssl_ctx_st, SslCtxFree> tls_;  // set when serving HTTPS
};

}  // namespace kiln
