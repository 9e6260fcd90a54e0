#include "http/internal/blocking_connections.h"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <cerrno>
#include <exception>
#include <limits>

#include "http/internal/response_head.h"

namespace kiln::http_internal {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

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

// Writes status line, headers and body (or stream). False if the connection must be dropped.
bool WriteResponse(FdStream& stream, HttpResponse& r, bool keep_alive, DateCache& dates) {
  std::string head;
  head.reserve(256 + (r.stream ? 0 : r.body.size()));
  const bool has_body = AppendResponseHead(r, keep_alive, dates.Now(), head);
  if (!has_body)
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

}  // namespace

void BlockingConnections::Start(int fd, std::string remote, std::string unread,
                                std::string unsent) {
  std::lock_guard<std::mutex> lock(mu_);
  ReapLocked();
  auto c = std::make_unique<Connection>();
  c->fd = fd;
  c->remote = std::move(remote);
  Connection* raw = c.get();
  connections_.push_back(std::move(c));
  raw->thread = std::thread([this, raw, unread = std::move(unread), unsent = std::move(unsent)] {
    Serve(*raw, unread, unsent);
    ::shutdown(raw->fd, SHUT_RDWR);  // the peer sees EOF now; the fd is closed when reaped
    context_.live_connections.fetch_sub(1);
    raw->finished.store(true);
  });
}

void BlockingConnections::Reap() {
  std::lock_guard<std::mutex> lock(mu_);
  ReapLocked();
}

void BlockingConnections::ReapLocked() {
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

void BlockingConnections::StopAll() {
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

void BlockingConnections::Serve(Connection& connection, const std::string& unread,
                                const std::string& unsent) {
  const HttpServerOptions& options = context_.options;
  std::unique_ptr<SSL, void (*)(SSL*)> ssl(nullptr, &SSL_free);
  if (context_.tls) {
    ssl.reset(SSL_new(context_.tls));
    SSL_set_fd(ssl.get(), connection.fd);
  }
  // The socket is non-blocking: FdStream waits with poll(2) and the idle timeout.
  FdStream stream(connection.fd, options.idle_timeout, ssl.get());
  if (ssl && !stream.Handshake())
    return;
  if (!unsent.empty() && !stream.WriteAll(unsent.data(), unsent.size()))
    return;
  DateCache dates;
  // Beast reads into this buffer as much as its free capacity (at least 512 bytes): reserve enough
  // that a streamed body arrives in large reads, not 512-byte ones.
  beast::flat_buffer buffer(options.header_limit + kReadBuffer + unread.size());
  buffer.reserve(kReadBuffer + unread.size());
  if (!unread.empty()) {
    buffer.commit(boost::asio::buffer_copy(buffer.prepare(unread.size()),
                                           boost::asio::buffer(unread.data(), unread.size())));
  }
  while (!context_.stopping.load()) {
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // bodies stream
    boost::system::error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    if (ec) {
      const bool quiet = ec == boost::asio::error::eof || ec == boost::asio::error::timed_out ||
                         ec == boost::asio::error::connection_reset || buffer.size() == 0;
      if (!quiet) {
        HttpResponse bad = PlainError(400, "malformed HTTP request: " + ec.message());
        WriteResponse(stream, bad, false, dates);
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
    req.remote_address = connection.remote;
    context_.NewRequestId(req.request_id);
    bool expect_100 = false;
    if (auto e = req.Header("expect"); e && HeaderNameEquals(*e, "100-continue"))
      expect_100 = !parser.is_done();
    ParserBodyReader body(stream, buffer, parser, expect_100);
    req.body = &body;

    HttpResponse response;
    bool failed = false;
    try {
      response = context_.handler.Handle(req);
    } catch (...) {
      failed = true;
    }
    if (failed)
      response = PlainError(500, "internal error (request " + req.request_id + ")");
    if (body.failed())
      return;  // the client is gone or sent a broken body: nothing more to say on this socket
    // A body the handler did not read: drain a small one, else close after answering.
    bool keep_alive = msg.keep_alive() && !context_.stopping.load() && !failed;
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
    if (!WriteResponse(stream, response, keep_alive, dates) || !keep_alive)
      break;
  }
  if (ssl)
    SSL_shutdown(ssl.get());
}

}  // namespace kiln::http_internal
