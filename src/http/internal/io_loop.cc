#include "http/internal/io_loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "http/internal/head_parser.h"

namespace kiln::http_internal {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kListenTag = 0;  // epoll_event.data of the listening socket
constexpr std::uint64_t kWakeTag = 1;    // ... of the eventfd Stop() writes
constexpr std::size_t kInitialBuffer = 16 * 1024;
// A connection with more response bytes than this waiting for the peer is not read further.
constexpr std::size_t kMaxPendingOutput = 1 << 20;
// Buffers grown past this for one large request are released once it is done.
constexpr std::size_t kKeepCapacity = 256 * 1024;

// The body of an inline request: already in the connection's input buffer.
class InlineBodyReader final : public BodyReader {
 public:
  explicit InlineBodyReader(std::string_view body) : body_(body) {}
  Result<std::size_t> Read(char* out, std::size_t n) override {
    const std::size_t k = std::min(n, body_.size() - read_);
    std::memcpy(out, body_.data() + read_, k);
    read_ += k;
    return k;
  }
  bool done() const override { return read_ == body_.size(); }
  std::optional<std::string_view> buffered() const override { return body_; }
  std::size_t buffered_padding() const override { return kBufferedBodyPadding; }

 private:
  std::string_view body_;
  std::size_t read_ = 0;
};

std::string RemoteAddress(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, host,
                sizeof(host));
  else if (addr.ss_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, host,
                sizeof(host));
  return host;
}

}  // namespace

struct IoLoop::Connection {
  int fd = -1;
  std::size_t slot = 0;  // index in connections_
  bool gone = false;     // closed or handed off; freed after the event batch
  std::string remote;
  // Input bytes not consumed yet are in_[in_begin, in_end); the buffer holds in_capacity() bytes
  // of input and kBufferedBodyPadding more that are never filled, so a body served inline always
  // has that many readable bytes after it (BodyReader::buffered_padding).
  std::string in;
  std::size_t in_capacity() const { return in.size() - kBufferedBodyPadding; }
  std::size_t in_begin = 0;
  std::size_t in_end = 0;
  // Response bytes not sent yet are out[out_sent, out.size()).
  std::string out;
  std::size_t out_sent = 0;
  bool head_parsed = false;  // the head at in_begin is parsed into `request` and `head`
  RequestHeadInfo head;
  HttpRequest request;
  bool close_after_write = false;  // no more requests: close once `out` is sent
  bool read_paused = false;        // too much output pending; read again once it drains
  bool flush_queued = false;       // in to_flush_
  Clock::time_point last_activity;

  std::size_t pending_output() const { return out.size() - out_sent; }
};

Result<std::unique_ptr<IoLoop>> IoLoop::Start(ServerContext& context, BlockingConnections& blocking,
                                              int listen_fd, bool reaps_blocking) {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0)
    return Status::IoError(std::string("epoll_create1: ") + std::strerror(errno));
  const int wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    ::close(epoll_fd);
    return Status::IoError(std::string("eventfd: ") + std::strerror(errno));
  }
  std::unique_ptr<IoLoop> loop(
      new IoLoop(context, blocking, listen_fd, epoll_fd, wake_fd, reaps_blocking));
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  ev.data.u64 = kListenTag;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev) != 0)
    return Status::IoError(std::string("epoll_ctl(listen): ") + std::strerror(errno));
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev) != 0)
    return Status::IoError(std::string("epoll_ctl(eventfd): ") + std::strerror(errno));
  loop->thread_ = std::thread([l = loop.get()] { l->Run(); });
  return loop;
}

IoLoop::IoLoop(ServerContext& context, BlockingConnections& blocking, int listen_fd, int epoll_fd,
               int wake_fd, bool reaps_blocking)
    : context_(context),
      blocking_(blocking),
      listen_fd_(listen_fd),
      epoll_fd_(epoll_fd),
      wake_fd_(wake_fd),
      reaps_blocking_(reaps_blocking) {}

IoLoop::~IoLoop() {
  Stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void IoLoop::Stop() {
  if (!thread_.joinable())
    return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t w = ::write(wake_fd_, &one, sizeof(one));
  thread_.join();
}

void IoLoop::Run() {
  const auto tick = std::clamp<std::chrono::milliseconds>(context_.options.idle_timeout / 4,
                                                          std::chrono::milliseconds(10),
                                                          std::chrono::milliseconds(1000));
  now_ = Clock::now();
  auto next_tick = now_ + tick;
  epoll_event events[128];
  while (!context_.stopping.load(std::memory_order_relaxed)) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now_);
    const int n =
        ::epoll_wait(epoll_fd_, events, 128, static_cast<int>(std::max<long>(0, wait.count())) + 1);
    now_ = Clock::now();  // one clock read per batch of events
    for (int i = 0; i < n; ++i) {
      const epoll_event& e = events[i];
      if (e.data.u64 == kListenTag) {
        Accept();
      } else if (e.data.u64 == kWakeTag) {
        std::uint64_t v;
        [[maybe_unused]] const ssize_t r = ::read(wake_fd_, &v, sizeof(v));
      } else {
        Connection& c = *static_cast<Connection*>(e.data.ptr);
        if (!c.gone)
          OnEvent(c, e.events);
      }
    }
    // By index: a connection that reads again may queue more.
    for (std::size_t i = 0; i < to_flush_.size(); ++i) {
      Connection& c = *to_flush_[i];
      c.flush_queued = false;
      if (c.gone || !Flush(c))
        continue;
      if (c.read_paused && c.pending_output() <= kMaxPendingOutput) {
        c.read_paused = false;  // drained without waiting for EPOLLOUT: no edge will come
        ReadAndServe(c);
      }
    }
    to_flush_.clear();
    closed_.clear();
    if (now_ >= next_tick) {
      CloseIdle(now_);
      closed_.clear();
      if (reaps_blocking_)
        blocking_.Reap();
      next_tick = now_ + tick;
    }
  }
  while (!connections_.empty())
    Close(*connections_.back());
  closed_.clear();
}

void IoLoop::Accept() {
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      return;  // EAGAIN: another loop took it, or none left
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (context_.live_connections.fetch_add(1) >= context_.options.max_connections) {
      context_.live_connections.fetch_sub(1);
      std::string busy;
      HttpResponse r = PlainError(503, "too many connections; retry later");
      AppendResponseHead(r, /*keep_alive=*/false, dates_.Now(), busy);
      busy += r.body;
      [[maybe_unused]] const ssize_t w = ::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL);
      ::shutdown(fd, SHUT_RDWR);
      ::close(fd);
      continue;
    }
    if (context_.tls) {
      blocking_.Start(fd, RemoteAddress(addr), {}, {});
      continue;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->slot = connections_.size();
    c->remote = RemoteAddress(addr);
    c->in.resize(kInitialBuffer + kBufferedBodyPadding);
    c->last_activity = now_;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = c.get();
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      context_.live_connections.fetch_sub(1);
      ::close(fd);
      continue;
    }
    connections_.push_back(std::move(c));
  }
}

void IoLoop::OnEvent(Connection& c, std::uint32_t events) {
  if (events & EPOLLERR) {
    Close(c);
    return;
  }
  if ((events & EPOLLOUT) && c.pending_output() > 0) {
    if (!Flush(c))
      return;
  }
  const bool resume = c.read_paused && c.pending_output() <= kMaxPendingOutput;
  if (resume)
    c.read_paused = false;
  if (resume || (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)))
    ReadAndServe(c);
}

void IoLoop::ReadAndServe(Connection& c) {
  const HttpServerOptions& options = context_.options;
  while (true) {
    if (!ServeBuffered(c))
      return;
    if (c.read_paused || c.close_after_write)
      return;  // read again when the output drains (or never)
    if (c.in_begin == c.in_end)
      c.in_begin = c.in_end = 0;
    if (c.in_end == c.in_capacity()) {
      if (c.in_begin > 0) {
        std::memmove(c.in.data(), c.in.data() + c.in_begin, c.in_end - c.in_begin);
        c.in_end -= c.in_begin;
        c.in_begin = 0;
      } else {
        // Full with one incomplete request: a head within header_limit or an inline body.
        const std::size_t max = options.header_limit + options.inline_body_limit;
        std::size_t want = std::min(std::max(c.in_capacity() * 2, kInitialBuffer), max);
        if (c.head_parsed)
          want =
              std::max(want, c.head.head_bytes + static_cast<std::size_t>(*c.head.content_length));
        if (want <= c.in_capacity()) {
          Close(c);  // cannot happen: the parser refuses heads over header_limit
          return;
        }
        c.in.resize(want + kBufferedBodyPadding);
      }
    }
    const std::size_t room = c.in_capacity() - c.in_end;
    const ssize_t n = ::recv(c.fd, c.in.data() + c.in_end, room, 0);
    if (n > 0) {
      c.in_end += static_cast<std::size_t>(n);
      c.last_activity = now_;
      if (static_cast<std::size_t>(n) < room) {
        // The socket is drained (a later arrival raises a new edge): serve what came.
        ServeBuffered(c);
        return;
      }
      continue;
    }
    if (n == 0) {
      // The peer finished sending: answer what is complete, then close.
      if (!ServeBuffered(c))
        return;
      c.close_after_write = true;
      Flush(c);
      return;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      Close(c);
    return;
  }
}

bool IoLoop::ServeBuffered(Connection& c) {
  const HttpServerOptions& options = context_.options;
  while (!c.close_after_write) {
    if (c.pending_output() > kMaxPendingOutput) {
      c.read_paused = true;
      break;
    }
    const std::string_view data(c.in.data() + c.in_begin, c.in_end - c.in_begin);
    if (!c.head_parsed) {
      if (data.empty())
        break;
      std::string error;
      const HeadParse parsed =
          ParseRequestHead(data, options.header_limit, c.request, c.head, error);
      if (parsed == HeadParse::kNeedMore)
        break;
      if (parsed == HeadParse::kError) {
        const HttpResponse bad = PlainError(400, "malformed HTTP request: " + error);
        AppendResponseHead(bad, /*keep_alive=*/false, dates_.Now(), c.out);
        c.out += bad.body;
        c.close_after_write = true;
        c.in_begin = c.in_end;
        break;
      }
      bool inline_ok = !c.head.chunked && !c.head.expect_continue &&
                       c.head.content_length.has_value() &&
                       *c.head.content_length <= options.inline_body_limit;
      if (inline_ok) {
        c.request.body = nullptr;
        c.request.remote_address.assign(c.remote);
        try {
          inline_ok = context_.handler.ServeInline(c.request);
        } catch (...) {
          inline_ok = false;
        }
      }
      if (!inline_ok) {
        HandOff(c);
        return false;
      }
      c.head_parsed = true;
    }
    const std::size_t need = c.head.head_bytes + static_cast<std::size_t>(*c.head.content_length);
    if (data.size() < need)
      break;
    ServeOne(c, data.substr(c.head.head_bytes, need - c.head.head_bytes));
    c.in_begin += need;
    c.head_parsed = false;
  }
  if (c.in_begin == c.in_end && c.in_capacity() > kKeepCapacity) {
    c.in.resize(kInitialBuffer + kBufferedBodyPadding);
    c.in.shrink_to_fit();
    c.in_begin = c.in_end = 0;
  }
  // Responses go out after the whole batch of events is served: the sends that wake the clients
  // come together, so this thread is preempted less often between requests.
  if (!c.flush_queued && (c.pending_output() > 0 || c.close_after_write)) {
    c.flush_queued = true;
    to_flush_.push_back(&c);
  }
  return true;
}

void IoLoop::ServeOne(Connection& c, std::string_view body) {
  InlineBodyReader reader(body);
  HttpRequest& req = c.request;
  req.body = &reader;
  context_.NewRequestId(req.request_id);
  HttpResponse response;
  bool failed = false;
  try {
    response = context_.handler.Handle(req);
    if (response.stream) {
      // ServeInline promised a plain body; take a streamed one into memory.
      std::string streamed(static_cast<std::size_t>(response.stream_length), '\0');
      std::size_t got = 0;
      while (got < streamed.size()) {
        Result<std::size_t> n = response.stream(streamed.data() + got, streamed.size() - got);
        if (!n.ok() || *n == 0)
          break;
        got += *n;
      }
      failed = got < streamed.size();
      response.body = std::move(streamed);
      response.stream = nullptr;
    }
  } catch (...) {
    failed = true;
  }
  req.body = nullptr;
  if (failed)
    response = PlainError(500, "internal error (request " + req.request_id + ")");
  const bool keep_alive =
      c.head.keep_alive && !failed && !context_.stopping.load(std::memory_order_relaxed);
  if (req.method == "HEAD")
    response.omit_body = true;
  if (AppendResponseHead(response, keep_alive, dates_.Now(), c.out))
    c.out += response.body;
  if (!keep_alive)
    c.close_after_write = true;
}

bool IoLoop::Flush(Connection& c) {
  while (c.out_sent < c.out.size()) {
    const ssize_t n =
        ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_sent += static_cast<std::size_t>(n);
      c.last_activity = now_;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return true;  // EPOLLOUT resumes it
    Close(c);
    return false;
  }
  c.out.clear();
  c.out_sent = 0;
  if (c.out.capacity() > kKeepCapacity)
    c.out.shrink_to_fit();
  if (c.close_after_write) {
    Close(c);
    return false;
  }
  return true;
}

void IoLoop::HandOff(Connection& c) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  std::string unread(c.in.data() + c.in_begin, c.in_end - c.in_begin);
  std::string unsent(c.out.data() + c.out_sent, c.pending_output());
  const int fd = std::exchange(c.fd, -1);
  std::string remote = std::move(c.remote);
  Remove(c);
  blocking_.Start(fd, std::move(remote), std::move(unread), std::move(unsent));
}

void IoLoop::Close(Connection& c) {
  ::shutdown(c.fd, SHUT_RDWR);
  ::close(c.fd);
  c.fd = -1;
  context_.live_connections.fetch_sub(1);
  Remove(c);
}

void IoLoop::Remove(Connection& c) {
  c.gone = true;
  const std::size_t slot = c.slot;
  std::unique_ptr<Connection> owned = std::move(connections_[slot]);
  if (slot + 1 != connections_.size()) {
    connections_[slot] = std::move(connections_.back());
    connections_[slot]->slot = slot;
  }
  connections_.pop_back();
  closed_.push_back(std::move(owned));
}

void IoLoop::CloseIdle(Clock::time_point now) {
  for (std::size_t i = connections_.size(); i-- > 0;) {
    if (now - connections_[i]->last_activity > context_.options.idle_timeout)
      Close(*connections_[i]);
  }
}

}  // namespace kiln::http_internal
