// IoLoop: one of HttpServer's I/O threads. It runs epoll (edge-triggered) over the shared listening
// socket (EPOLLEXCLUSIVE, so one loop takes each new connection) and the connections it accepted:
// reads without blocking, parses request heads, serves inline requests (HttpHandler::ServeInline,
// body fully buffered) on this thread and writes their responses without blocking — partial writes
// resume when the socket drains, pipelined requests are answered in order, a connection with much
// output pending stops being read until it drains. A request that is not inline hands the
// connection, with its unread and unsent bytes, to BlockingConnections. Idle connections are closed
// after the idle timeout.
//
// Thread-safety: Stop() from any thread; everything else runs on the loop's own thread.
#pragma once

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "http/internal/blocking_connections.h"
#include "http/internal/response_head.h"
#include "http/internal/server_context.h"

namespace kiln::http_internal {

class IoLoop {
 public:
  // Starts the thread. `listen_fd` (non-blocking) is shared by every loop.
  static Result<std::unique_ptr<IoLoop>> Start(ServerContext& context,
                                               BlockingConnections& blocking, int listen_fd,
                                               bool reaps_blocking);
  ~IoLoop();  // Stop()s

  // Wakes the thread, closes its connections and joins it.
  void Stop();

 private:
  struct Connection;
  IoLoop(ServerContext& context, BlockingConnections& blocking, int listen_fd, int epoll_fd,
         int wake_fd, bool reaps_blocking);
  void Run();
  void Accept();
  void OnEvent(Connection& c, std::uint32_t events);
  void ReadAndServe(Connection& c);
  // Parses and serves the complete requests in c's input, queueing their responses for the flush
  // after the event batch; false once the connection left (handed off).
  bool ServeBuffered(Connection& c);
  void ServeOne(Connection& c, std::string_view body);
  // Writes pending output; false once the connection was closed.
  bool Flush(Connection& c);
  void HandOff(Connection& c);
  void Close(Connection& c);
  void Remove(Connection& c);
  void CloseIdle(std::chrono::steady_clock::time_point now);

  ServerContext& context_;
  BlockingConnections& blocking_;
  const int listen_fd_;
  const int epoll_fd_;
  const int wake_fd_;
  const bool reaps_blocking_;  // one loop joins finished blocking threads now and then
  DateCache dates_;
  std::chrono::steady_clock::time_point now_;             // read once per batch of events
  std::vector<std::unique_ptr<Connection>> connections_;  // index = Connection::slot
  std::vector<std::unique_ptr<Connection>> closed_;       // freed after the current event batch
  std::vector<Connection*> to_flush_;                     // with responses to send after the batch
  std::thread thread_;
};

}  // namespace kiln::http_internal
