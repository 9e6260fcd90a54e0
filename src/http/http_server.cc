#include "http/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <limits>

#include "common/digest.h"

namespace kiln {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

Status HttpServerOptions::Validate() const {
  if (max_connections == 0)
    return Status::InvalidArgument("max_connections must be at least 1");
  if (idle_timeout.count() <= 0)
    return Status::InvalidArgument("idle_timeout must be positive");
  if (header_limit < 1024)
    return Status::InvalidArgument("header_limit must be at least 1024 bytes");
  if (tls_cert_file.empty() != tls_key_file.empty())
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  return Status::Ok();
}

namespace {

// A socket as a Beast SyncReadStream, with a timeout per read; optionally TLS (OpenSSL over a
// non-blocking socket, so the same timeouts apply).
class FdStream {
 public:
  FdStream(int fd, std::chrono::milliseconds timeout, SSL* ssl = nullptr)
      : fd_(fd), timeout_(timeout), ssl_(ssl) {}

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    std::size_t n = read_some(buffers, ec);
    if (ec)
      throw boost::system::system_error(ec);
    return n;
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    ec = {};
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b = *it;
      if (b.size() == 0)
        continue;
      return ssl_ ? TlsRead(b.data(), b.size(), ec) : PlainRead(b.data(), b.size(), ec);
    }
    return 0;
  }

  // Writes all of `data`; false when the peer is gone or stalls past the timeout.
  bool WriteAll(const char* data, std::size_t n) {
    while (n > 0) {
      if (ssl_) {
        const int w = SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
        if (w > 0) {
          data += w;
          n -= static_cast<std::size_t>(w);
          continue;
        }
        if (!WaitTls(SSL_get_error(ssl_, w)))
          return false;
        continue;
      }
      const ssize_t w = ::send(fd_, data, n, MSG_NOSIGNAL);
      if (w > 0) {
        data += w;
        n -= static_cast<std::size_t>(w);
        continue;
      }
      if (!WaitToRetryWrite(w))
        return false;
    }
    return true;
  }

  bool tls() const { return ssl_ != nullptr; }

  // Sends `length` bytes of file `file_fd` at `offset` with sendfile(2); plain TCP only.
  bool SendFile(int file_fd, std::uint64_t offset, std::uint64_t length) {
    off_t off = static_cast<off_t>(offset);
    while (length > 0) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length, 1 << 30));
      const ssize_t w = ::sendfile(fd_, file_fd, &off, want);
      if (w > 0) {
        length -= static_cast<std::uint64_t>(w);
        continue;
      }
      if (!WaitToRetryWrite(w))
        return false;  // an error, a stall, or the file is shorter than promised
    }
    return true;
  }

  // Runs the TLS handshake; false (and nothing to say) when the client fails it.
  bool Handshake() {
    while (true) {
      const int r = SSL_accept(ssl_);
      if (r == 1)
        return true;
      if (!WaitTls(SSL_get_error(ssl_, r)))
        return false;
    }
  }

 private:
  bool Wait(short events) {
    while (true) {
      pollfd p{fd_, events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(timeout_.count()));
      if (r > 0)
        return true;
      if (r < 0 && errno == EINTR)
        continue;
      return false;
    }
  }

  // After send(2) or sendfile(2) wrote nothing (`w` <= 0): whether to try again (EINTR, or EAGAIN
  // once the socket takes data again); false on an error, end of file or a stall past the timeout.
  bool WaitToRetryWrite(ssize_t w) {
    if (w < 0 && errno == EINTR)
      return true;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return Wait(POLLOUT);
    return false;
  }

  // After an SSL call failed with `err`: waits for the socket when OpenSSL asks to.
  bool WaitTls(int err) {
    if (err == SSL_ERROR_WANT_READ)
      return Wait(POLLIN);
    if (err == SSL_ERROR_WANT_WRITE)
      return Wait(POLLOUT);
    return false;
  }

  std::size_t PlainRead(void* out, std::size_t n, boost::system::error_code& ec) {
    while (true) {
      if (!Wait(POLLIN)) {
        ec = boost::asio::error::timed_out;
        return 0;
      }
      const ssize_t r = ::recv(fd_, out, n, 0);
      if (r > 0)
        return static_cast<std::size_t>(r);
      if (r == 0) {
        ec = boost::asio::error::eof;
        return 0;
      }
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        continue;
      ec = boost::system::error_code(errno, boost::system::system_category());
      return 0;
    }
  }

  std::size_t TlsRead(void* out, std::size_t n, boost::system::error_code& ec) {
    while (true) {
      const int r = SSL_read(ssl_, out, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
      if (r > 0)
        return static_cast<std::size_t>(r);
      const int err = SSL_get_error(ssl_, r);
      if (err == SSL_ERROR_ZERO_RETURN) {
        ec = boost::asio::error::eof;
        return 0;
      }
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (!WaitTls(err)) {
          ec = boost::asio::error::timed_out;
          return 0;
        }
        continue;
      }
      ec = boost::asio::error::connection_reset;
      return 0;
    }
  }

  int fd_;
  std::chrono::milliseconds timeout_;
  SSL* ssl_;
};

using Parser = bhttp::request_parser<bhttp::buffer_body>;

// How much a connection reads from its socket at a time.
constexpr std::size_t kReadBuffer = 256 * 1024;

// Streams a request body out of the Beast parser; answers `Expect: 100-continue` on first use.
class ParserBodyReader final : public BodyReader {
 public:
  ParserBodyReader(FdStream& stream, beast::flat_buffer& buffer, Parser& parser, bool expect_100)
      : stream_(stream), buffer_(buffer), parser_(parser), expect_100_(expect_100) {}

  Result<std::size_t> Read(char* out, std::size_t n) override {
    if (n == 0 || parser_.is_done())
      return std::size_t{0};
    if (expect_100_) {
      expect_100_ = false;
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      if (!stream_.WriteAll(kContinue, sizeof(kContinue) - 1))
        return Status::IoError("client went away").WithReason("IncompleteBody");
    }
    while (!parser_.is_done()) {
      parser_.get().body().data = out;
      parser_.get().body().size = n;
      boost::system::error_code ec;
      bhttp::read_some(stream_, buffer_, parser_, ec);
      if (ec == bhttp::error::need_buffer)
        ec = {};
      const std::size_t got = n - parser_.get().body().size;
      if (ec) {
        failed_ = true;
        return Status::IoError("the request body ended early (" + ec.message() +
                               "): the upload is incomplete")
            .WithReason("IncompleteBody");
      }
      if (got > 0)
        return got;
    }
    return std::size_t{0};
  }

  bool done() const override { return parser_.is_done(); }
  bool failed() const { return failed_; }
  bool continue_pending() const { return expect_100_; }

 private:
  FdStream& stream_;
  beast::flat_buffer& buffer_;
  Parser& parser_;
  bool expect_100_;
  bool failed_ = false;
};

std::string HttpDate() {
  char buf[64];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// Writes status line, headers and body (or stream). False if the connection must be dropped.
bool WriteResponse(FdStream& stream, HttpResponse& r, bool keep_alive) {
  std::string head;
  head.reserve(256 + r.body.size());
  head += "HTTP/1.1 ";
  head += std::to_string(r.status);
  head += ' ';
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  head.append(reason.data(), reason.size());
  head += "\r\n";
  bool has_date = false;
  for (const auto& [k, v] : r.headers) {
    if (HeaderNameEquals(k, "content-length") || HeaderNameEquals(k, "connection") ||
        HeaderNameEquals(k, "transfer-encoding"))
      continue;
    has_date = has_date || HeaderNameEquals(k, "date");
    head += k;
    head += ": ";
    head += v;
    head += "\r\n";
  }
  if (!has_date) {
    head += "Date: ";
    head += HttpDate();
    head += "\r\n";
  }
  const bool no_body_status =
      r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  std::uint64_t length = r.stream ? r.stream_length : r.body.size();
  if (r.omit_body && r.announced_length)
    length = *r.announced_length;
  if (!no_body_status) {
    head += "Content-Length: ";
    head += std::to_string(length);
    head += "\r\n";
  }
  if (!keep_alive)
    head += "Connection: close\r\n";
  head += "\r\n";
  if (r.omit_body || no_body_status)
    return stream.WriteAll(head.data(), head.size());
  if (!r.stream) {
    head += r.body;
    return stream.WriteAll(head.data(), head.size());
  }
  if (!r.file_spans.empty() && !stream.tls()) {
    if (!stream.WriteAll(head.data(), head.size()))
      return false;
    for (const HttpResponse::FileSpan& span : r.file_spans) {
      if (!stream.SendFile(span.fd, span.offset, span.length))
        return false;
    }
    return true;
  }
  if (!stream.WriteAll(head.data(), head.size()))
    return false;
  std::string buf(1 << 20, '\0');
  std::uint64_t left = r.stream_length;
  while (left > 0) {
    const std::size_t want = left < buf.size() ? static_cast<std::size_t>(left) : buf.size();
    Result<std::size_t> got = r.stream(buf.data(), want);
    if (!got.ok() || *got == 0)
      return false;  // cannot honour Content-Length any more: drop the connection
    if (!stream.WriteAll(buf.data(), *got))
      return false;
    left -= *got;
  }
  return true;
}

HttpResponse PlainError(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = message + "\n";
  r.SetHeader("Content-Type", "text/plain; charset=utf-8");
  return r;
}

std::string NewRequestId(std::uint64_t seq) {
  // 16 random hex digits make ids unique across restarts; the sequence keeps them ordered.
  return HexEncode(RandomBytes(6)) + std::to_string(seq);
}

}  // namespace

void HttpServer::SslCtxFree::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

struct HttpServer::Connection {
  int fd = -1;
  std::string remote;
  std::atomic<bool> finished{false};
  std::thread thread;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      HttpHandler& handler) {
  RETURN_IF_ERROR(options.Validate());
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(options.port);
  const int gai = ::getaddrinfo(options.host.empty() ? nullptr : options.host.c_str(), port.c_str(),
                                &hints, &res);
  if (gai != 0)
    return Status::InvalidArgument("cannot resolve host \"" + options.host +
                                   "\": " + ::gai_strerror(gai));
  int fd = -1;
  std::string last_error = "no address";
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 512) == 0)
      break;
    last_error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0)
    return Status::IoError("cannot listen on " + options.host + ":" + port + ": " + last_error);
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::uint16_t bound = 0;
  if (addr.ss_family == AF_INET)
    bound = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  else if (addr.ss_family == AF_INET6)
    bound = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  std::unique_ptr<HttpServer> server(new HttpServer(options, handler, fd, bound));
  if (!options.tls_cert_file.empty()) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    server->tls_.reset(ctx);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_use_certificate_chain_file(ctx, options.tls_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, options.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      char err[256];
      ERR_error_string_n(ERR_get_error(), err, sizeof(err));
      return Status::InvalidArgument("cannot use the TLS certificate " + options.tls_cert_file +
                                     " and key " + options.tls_key_file + ": " + err);
    }
  }
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

HttpServer::HttpServer(const HttpServerOptions& options, HttpHandler& handler, int listen_fd,
                       std::uint16_t port)
    : options_(options), handler_(handler), listen_fd_(listen_fd), port_(port) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (stopping_.exchange(true))
    return;
  if (accept_thread_.joinable())
    accept_thread_.join();
  ::close(listen_fd_);
  std::list<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : connections_)
      ::shutdown(c->fd, SHUT_RDWR);
    connections.swap(connections_);
  }
  for (auto& c : connections) {
    if (c->thread.joinable())
      c->thread.join();
    ::close(c->fd);
  }
}

void HttpServer::ReapFinishedLocked() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if ((*it)->finished.load()) {
      (*it)->thread.join();
      ::close((*it)->fd);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void HttpServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, 100);
    if (r <= 0)
      continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // A client that stops reading makes blocking writes (send, sendfile) give up with EAGAIN.
    timeval send_timeout{};
    send_timeout.tv_sec = static_cast<time_t>(options_.idle_timeout.count() / 1000);
    send_timeout.tv_usec = static_cast<suseconds_t>(options_.idle_timeout.count() % 1000 * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
    char host[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET)
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, host, sizeof(host));
    else if (addr.ss_family == AF_INET6)
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, host, sizeof(host));
    std::lock_guard<std::mutex> lock(mu_);
    ReapFinishedLocked();
    if (connections_.size() >= options_.max_connections) {
      FdStream s(fd, std::chrono::milliseconds(1000));
      HttpResponse busy = PlainError(503, "too many connections; retry later");
      WriteResponse(s, busy, false);
      ::close(fd);
      continue;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->remote = host;
    Connection* raw = c.get();
    connections_.push_back(std::move(c));
    raw->thread = std::thread([this, raw] {
      Serve(raw);
      ::shutdown(raw->fd, SHUT_RDWR);  // the peer sees EOF now; the fd is closed when reaped
      raw->finished.store(true);
    });
  }
}

void HttpServer::Serve(Connection* connection) {
  std::unique_ptr<SSL, void (*)(SSL*)> ssl(nullptr, &SSL_free);
  if (tls_) {
    ssl.reset(SSL_new(tls_.get()));
    ::fcntl(connection->fd, F_SETFL, ::fcntl(connection->fd, F_GETFL) | O_NONBLOCK);
    SSL_set_fd(ssl.get(), connection->fd);
  }
  FdStream stream(connection->fd, options_.idle_timeout, ssl.get());
  if (ssl && !stream.Handshake())
    return;
  // Beast reads into this buffer as much as its free capacity (at least 512 bytes): reserve enough
  // that a streamed body arrives in large reads, not 512-byte ones.
  beast::flat_buffer buffer(options_.header_limit + kReadBuffer);
  buffer.reserve(kReadBuffer);
  while (!stopping_.load()) {
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // bodies stream
    boost::system::error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    if (ec) {
      const bool quiet = ec == boost::asio::error::eof || ec == boost::asio::error::timed_out ||
                         ec == boost::asio::error::connection_reset || buffer.size() == 0;
      if (!quiet) {
        HttpResponse bad = PlainError(400, "malformed HTTP request: " + ec.message());
        WriteResponse(stream, bad, false);
      }
      return;
    }
    auto& msg = parser.get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    const std::size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query = q == std::string::npos ? std::string() : req.target.substr(q + 1);
    for (const auto& f : msg)
      req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    if (auto cl = parser.content_length())
      req.content_length = *cl;
    else if (!parser.chunked())
      req.content_length = 0;
    req.remote_address = connection->remote;
    req.request_id = NewRequestId(next_request_.fetch_add(1));
    bool expect_100 = false;
    if (auto e = req.Header("expect"); e && HeaderNameEquals(*e, "100-continue"))
      expect_100 = !parser.is_done();
    ParserBodyReader body(stream, buffer, parser, expect_100);
    req.body = &body;

    HttpResponse response;
    try {
      response = handler_.Handle(req);
    } catch (const std::exception& e) {
      response = PlainError(500, std::string("internal error (request ") + req.request_id + ")");
    } catch (...) {
      response = PlainError(500, std::string("internal error (request ") + req.request_id + ")");
    }
    if (body.failed())
      return;  // the client is gone or sent a broken body: nothing more to say on this socket
    // A body the handler did not read: drain a small one, else close after answering.
    bool keep_alive = msg.keep_alive() && !stopping_.load();
    if (!body.done()) {
      if (body.continue_pending()) {
        keep_alive = false;  // the client has not sent the body; closing is the clean way out
      } else {
        char sink[16 * 1024];
        std::size_t drained = 0;
        while (!body.done() && drained < (1u << 20)) {
          auto n = body.Read(sink, sizeof(sink));
          if (!n.ok() || *n == 0)
            break;
          drained += *n;
        }
        keep_alive = keep_alive && body.done();
      }
    }
    if (req.method == "HEAD")
      response.omit_body = true;
    if (!WriteResponse(stream, response, keep_alive) || !keep_alive)
      break;
  }
  if (ssl)
    SSL_shutdown(ssl.get());
}

}  // namespace kiln
