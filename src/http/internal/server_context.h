// ServerContext: what HttpServer's I/O loops and blocking connections share — the options, the
// handler, the live-connection count behind max_connections, the stop flag and request ids.
// Owned by HttpServer, outlives every thread that uses it. Thread-safe (atomics and immutables).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "http/http_server.h"

struct ssl_ctx_st;

namespace kiln::http_internal {

struct ServerContext {
  ServerContext(const HttpServerOptions& o, HttpHandler& h, std::string id_prefix)
      : options(o), handler(h), request_id_prefix(std::move(id_prefix)) {}

  // Writes a new unique request id into `out` (reusing its capacity): a random per-server prefix
  // (unique across restarts) and a sequence number (ordered).
  void NewRequestId(std::string& out) {
    out.assign(request_id_prefix);
    out += std::to_string(next_request.fetch_add(1, std::memory_order_relaxed));
  }

  const HttpServerOptions options;
  HttpHandler& handler;
  ssl_ctx_st* tls = nullptr;  // set when serving HTTPS; owned by HttpServer
  const std::string request_id_prefix;
  std::atomic<std::uint64_t> next_request{0};
  std::atomic<std::size_t> live_connections{0};  // on both paths
  std::atomic<bool> stopping{false};
};

}  // namespace kiln::http_internal
