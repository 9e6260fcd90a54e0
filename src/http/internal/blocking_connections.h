// BlockingConnections: HttpServer's blocking path — one thread per connection, for everything the
// I/O loops do not serve inline (streamed S3 bodies, 100-continue, chunked uploads, handlers that
// may block, TLS). Each connection is parsed with Boost.Beast (keep-alive, pipelining, chunked
// bodies); bodies stream through BodyReader, responses from a callback or with sendfile(2), with
// the idle timeout on every read and write. A connection stays on its thread until it closes.
//
// Thread-safe: Start and Reap from any thread; StopAll once, after no more Start calls can come.
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http/internal/server_context.h"

namespace kiln::http_internal {

class BlockingConnections {
 public:
  explicit BlockingConnections(ServerContext& context) : context_(context) {}
  ~BlockingConnections() { StopAll(); }

  // Serves socket `fd` (owned from now on, already counted in live_connections) on a new thread.
  // `unread`: request bytes already read from it, parsed first; `unsent`: response bytes owed to
  // the client from earlier requests, written first.
  void Start(int fd, std::string remote, std::string unread, std::string unsent);
  // Joins the threads of connections that have closed.
  void Reap();
  // Shuts every connection down and joins their threads.
  void StopAll();

 private:
  struct Connection {
    int fd = -1;
    std::string remote;
    std::atomic<bool> finished{false};
    std::thread thread;
  };
  void Serve(Connection& connection, const std::string& unread, const std::string& unsent);
  void ReapLocked();

  ServerContext& context_;
  std::mutex mu_;
  std::list<std::unique_ptr<Connection>> connections_;  // GUARDED_BY(mu_)
};

}  // namespace kiln::http_internal
