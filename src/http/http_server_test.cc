#include "http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace kiln {
namespace {

// Echoes the method, target and body; streams "size" bytes for GET /stream?size.
class EchoHandler final : public HttpHandler {
 public:
  HttpResponse Handle(HttpRequest& req) override {
    HttpResponse r;
    if (req.path == "/noread") {
      r.status = 403;
      r.body = "denied";
      return r;
    }
    if (req.path == "/throw")
      throw std::runtime_error("boom");
    if (req.path == "/stream") {
      const std::uint64_t n = std::stoull(req.query);
      auto sent = std::make_shared<std::uint64_t>(0);
      r.stream_length = n;
      r.stream = [sent](char* out, std::size_t want) -> Result<std::size_t> {
        for (std::size_t i = 0; i < want; ++i)
          out[i] = static_cast<char>('a' + (*sent + i) % 26);
        *sent += want;
        return want;
      };
      return r;
    }
    auto body = req.body->ReadAll(1 << 20);
    if (!body.ok()) {
      r.status = 400;
      r.body = body.error().message();
      return r;
    }
    r.body = req.method + " " + req.target + " " + *body;
    r.SetHeader("X-Request-Id", req.request_id);
    return r;
  }
};

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  }
  ~Client() { ::close(fd_); }
  int fd() const { return fd_; }
  void Send(const std::string& s) {
    ASSERT_EQ(::send(fd_, s.data(), s.size(), 0), (ssize_t)s.size());
  }
  // Reads until `needle` has been seen (or the peer closes).
  std::string ReadUntil(const std::string& needle) {
    while (buf_.find(needle) == std::string::npos) {
      char tmp[65536];
      const ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0)
        break;
      buf_.append(tmp, n);
    }
    const std::size_t at = buf_.find(needle);
    if (at == std::string::npos)
      return std::exchange(buf_, "");
    std::string out = buf_.substr(0, at + needle.size());
    buf_.erase(0, at + needle.size());
    return out;
  }
  // Reads one response with a Content-Length body: {head, body}; an empty head when the peer
  // closed first.
  std::pair<std::string, std::string> ReadResponse() {
    std::string head = ReadUntil("\r\n\r\n");
    if (head.find("\r\n\r\n") == std::string::npos)
      return {};
    const std::size_t at = head.find("Content-Length: ");
    const std::size_t length = at == std::string::npos ? 0 : std::stoull(head.substr(at + 16));
    while (buf_.size() < length) {
      char tmp[65536];
      const ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0)
        break;
      buf_.append(tmp, n);
    }
    std::string body = buf_.substr(0, length);
    buf_.erase(0, body.size());
    return {head, body};
  }
  std::string ReadAll() {
    std::string out = std::exchange(buf_, "");
    char tmp[65536];
    ssize_t n;
    while ((n = ::recv(fd_, tmp, sizeof(tmp), 0)) > 0)
      out.append(tmp, n);
    return out;
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

// Header value `name` in a response head, or "".
std::string HeaderOf(const std::string& head, const std::string& name) {
  const std::size_t at = head.find("\r\n" + name + ": ");
  if (at == std::string::npos)
    return "";
  const std::size_t from = at + name.size() + 4;
  return head.substr(from, head.find("\r\n", from) - from);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.port = 0;
    o.idle_timeout = std::chrono::milliseconds(2000);
    auto s = HttpServer::Start(o, handler_);
    ASSERT_TRUE(s.ok()) << s.error().message();
    server_ = std::move(*s);
  }
  EchoHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Client c(server_->port());
  c.Send("POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
  std::string r1 = c.ReadUntil("POST /a?x=1 abc");
  EXPECT_NE(r1.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_NE(r1.find("Content-Length: 15"), std::string::npos);
  c.Send("GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_NE(c.ReadUntil("GET /b ").find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, ChunkedRequestBodyIsDechunked) {
  Client c(server_->port());
  c.Send(
      "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
  EXPECT_NE(c.ReadUntil("PUT /c abcdefg").find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredWhenTheHandlerReads) {
  Client c(server_->port());
  c.Send("PUT /d HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(c.ReadUntil("\r\n\r\n").find("100 Continue"), std::string::npos);
  c.Send("hi");
  EXPECT_NE(c.ReadUntil("PUT /d hi").find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, RefusalBeforeTheBodySkipsContinueAndCloses) {
  Client c(server_->port());
  c.Send("PUT /noread HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  const std::string r = c.ReadAll();
  EXPECT_EQ(r.find("100 Continue"), std::string::npos);
  EXPECT_NE(r.find("403 Forbidden"), std::string::npos);
  EXPECT_NE(r.find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, TruncatedBodyIsReportedToTheHandler) {
  Client c(server_->port());
  c.Send("PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
  // The server waits for the rest until the idle timeout, then the handler sees IncompleteBody and
  // the connection is dropped without a response.
  EXPECT_EQ(c.ReadAll().find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, StreamedResponseHasExactLength) {
  Client c(server_->port());
  c.Send("GET /stream?3000000 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  const std::string r = c.ReadAll();
  const std::size_t at = r.find("\r\n\r\n");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(r.find("Content-Length: 3000000"), std::string::npos);
  EXPECT_EQ(r.size() - at - 4, 3000000u);
  EXPECT_EQ(r.substr(at + 4, 3), "abc");
}

TEST_F(HttpServerTest, HeadSendsHeadersOnly) {
  Client c(server_->port());
  c.Send("HEAD /f HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  const std::string r = c.ReadAll();
  EXPECT_NE(r.find("200 OK"), std::string::npos);
  EXPECT_EQ(r.substr(r.find("\r\n\r\n") + 4), "");
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500AndServerKeepsServing) {
  {
    Client c(server_->port());
    c.Send("GET /throw HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    EXPECT_NE(c.ReadAll().find("500 Internal Server Error"), std::string::npos);
  }
  Client c(server_->port());
  c.Send("GET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_NE(c.ReadAll().find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, GarbageGets400) {
  Client c(server_->port());
  c.Send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(c.ReadAll().find("400 Bad Request"), std::string::npos);
}

TEST_F(HttpServerTest, RequestIdsAreUnique) {
  Client c(server_->port());
  c.Send(
      "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  const std::string r = c.ReadAll();
  const std::size_t a = r.find("X-Request-Id: ");
  const std::size_t b = r.find("X-Request-Id: ", a + 1);
  ASSERT_NE(b, std::string::npos);
  EXPECT_NE(r.substr(a, r.find("\r\n", a) - a), r.substr(b, r.find("\r\n", b) - b));
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

TEST(HttpServerTlsTest, ServesHttpsWithTheGivenCertificate) {
  const std::string dir = ::testing::TempDir() + "/kiln-tls-test";
  std::filesystem::create_directories(dir);
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-keyout " +
      dir + "/key.pem -out " + dir + "/cert.pem 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EchoHandler handler;
  HttpServerOptions o;
  o.port = 0;
  o.tls_cert_file = dir + "/cert.pem";
  o.tls_key_file = dir + "/key.pem";
  auto server = HttpServer::Start(o, handler);
  ASSERT_TRUE(server.ok()) << server.error().message();

  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  Client c((*server)->port());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, c.fd());
  ASSERT_EQ(SSL_connect(ssl), 1);
  const std::string req =
      "POST /tls HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
      "Connection: close\r\n\r\nbody";
  ASSERT_EQ(SSL_write(ssl, req.data(), static_cast<int>(req.size())), static_cast<int>(req.size()));
  std::string got;
  char buf[4096];
  int n;
  while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
    got.append(buf, n);
  EXPECT_NE(got.find("200 OK"), std::string::npos);
  EXPECT_NE(got.find("POST /tls body"), std::string::npos);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
}

TEST(HttpServerTlsTest, MismatchedCertificateAndKeyAreRefused) {
  EchoHandler handler;
  HttpServerOptions o;
  o.port = 0;
  o.tls_cert_file = "/nonexistent/cert.pem";
  o.tls_key_file = "/nonexistent/key.pem";
  EXPECT_FALSE(HttpServer::Start(o, handler).ok());
  o.tls_key_file.clear();
  EXPECT_FALSE(HttpServer::Start(o, handler).ok());
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

// Serves paths under /inline on the I/O threads; says which thread and whether the body came
// buffered, so tests see which path served a request.
class InlineHandler final : public HttpHandler {
 public:
  bool ServeInline(const HttpRequest& head) const override {
    return head.path.rfind("/inline", 0) == 0;
  }
  HttpResponse Handle(HttpRequest& req) override {
    HttpResponse r;
    std::ostringstream thread;
    thread << std::this_thread::get_id();
    r.SetHeader("X-Thread", thread.str());
    r.SetHeader("X-Buffered", req.body->buffered() ? "yes" : "no");
    r.SetHeader("X-Padding", std::to_string(req.body->buffered_padding()));
    if (req.path == "/inline/throw")
      throw std::runtime_error("boom");
    if (req.path == "/inline/big") {
      r.body.resize(std::stoull(req.query));
      for (std::size_t i = 0; i < r.body.size(); ++i)
        r.body[i] = static_cast<char>('a' + i % 26);
      return r;
    }
    auto body = req.body->ReadAll(16 << 20);
    r.body = req.method + " " + req.target + " " + (body.ok() ? *body : "?");
    return r;
  }
};

class InlineServerTest : public ::testing::Test {
 protected:
  void Start(std::size_t io_threads = 2, std::size_t max_connections = 1024,
             std::chrono::milliseconds idle = std::chrono::milliseconds(5000)) {
    HttpServerOptions o;
    o.port = 0;
    o.io_threads = io_threads;
    o.max_connections = max_connections;
    o.idle_timeout = idle;
    o.inline_body_limit = 1 << 20;
    auto s = HttpServer::Start(o, handler_);
    ASSERT_TRUE(s.ok()) << s.error().message();
    server_ = std::move(*s);
  }
  static std::string Post(const std::string& target, const std::string& body) {
    return "POST " + target +
           " HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           body;
  }
  InlineHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(InlineServerTest, KeepAliveServesManyInlineRequestsOnOneConnection) {
  Start();
  Client c(server_->port());
  for (int i = 0; i < 200; ++i) {
    c.Send(Post("/inline/k", std::to_string(i)));
    auto [head, body] = c.ReadResponse();
    ASSERT_NE(head.find("200 OK"), std::string::npos) << i;
    EXPECT_EQ(HeaderOf(head, "X-Buffered"), "yes");
    EXPECT_EQ(head.find("Connection: close"), std::string::npos);
    EXPECT_EQ(body, "POST /inline/k " + std::to_string(i));
  }
}

TEST_F(InlineServerTest, AnInlineBodyHasReadablePaddingAfterItWhereverItEndsInTheBuffer) {
  Start();
  Client c(server_->port());
  // Requests that end exactly at the first buffer's 16 KiB of input, just before and after it,
  // and one that grows the buffer: each body is whole, and the padding after it is promised.
  const std::string head = Post("/inline/pad", "");
  for (std::size_t total :
       {std::size_t{16384}, std::size_t{16383}, std::size_t{16385}, std::size_t{200000}}) {
    std::string body(total - head.size() - (std::to_string(total).size() - 1), 'b');
    const std::string request = Post("/inline/pad", body);
    c.Send(request);
    auto [h, b] = c.ReadResponse();
    ASSERT_NE(h.find("200 OK"), std::string::npos) << total;
    EXPECT_EQ(HeaderOf(h, "X-Buffered"), "yes");
    EXPECT_EQ(HeaderOf(h, "X-Padding"), std::to_string(kBufferedBodyPadding));
    EXPECT_EQ(b, "POST /inline/pad " + body) << request.size();
  }
}

TEST_F(InlineServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  Client c(server_->port());
  std::string all;
  for (int i = 0; i < 100; ++i)
    all += Post("/inline/p?" + std::to_string(i), std::string(i, 'x'));
  all += "GET /inline/last HTTP/1.1\r\nHost: h\r\n\r\n";
  c.Send(all);
  for (int i = 0; i < 100; ++i) {
    auto [head, body] = c.ReadResponse();
    ASSERT_NE(head.find("200 OK"), std::string::npos) << i;
    EXPECT_EQ(body, "POST /inline/p?" + std::to_string(i) + " " + std::string(i, 'x'));
  }
  EXPECT_EQ(c.ReadResponse().second, "GET /inline/last ");
}

TEST_F(InlineServerTest, LargeInlineResponseReachesASlowReaderWholeWithoutBlockingOthers) {
  Start(/*io_threads=*/1);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(server_->port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  const std::size_t size = 8u << 20;
  const std::string req =
      "GET /inline/big?" + std::to_string(size) + " HTTP/1.1\r\nHost: h\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // The only I/O thread is waiting for the slow reader's socket; another client is served now.
  {
    Client other(server_->port());
    const auto t0 = std::chrono::steady_clock::now();
    other.Send(Post("/inline/other", "hi"));
    EXPECT_EQ(other.ReadResponse().second, "POST /inline/other hi");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  }
  std::string got;
  char buf[4096];
  std::size_t reads = 0;
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0)
      break;
    got.append(buf, n);
    if (++reads % 256 == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const std::size_t at = got.find("\r\n\r\n");
    if (at != std::string::npos && got.size() - at - 4 >= size)
      break;
  }
  ::close(fd);
  const std::size_t at = got.find("\r\n\r\n");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(got.find("Content-Length: " + std::to_string(size)), std::string::npos);
  const std::string body = got.substr(at + 4);
  ASSERT_EQ(body.size(), size);
  for (std::size_t i = 0; i < size; i += 4099)
    ASSERT_EQ(body[i], static_cast<char>('a' + i % 26)) << i;
}

TEST_F(InlineServerTest, PipelinedLargeResponsesBeyondTheOutputBoundAllArrive) {
  Start();
  Client c(server_->port());
  // 40 x 100 KB of answers, all asked for at once: more than the server buffers per connection,
  // so it stops reading and must resume by itself once the output drains.
  std::string all;
  for (int i = 0; i < 40; ++i)
    all += "GET /inline/big?100000 HTTP/1.1\r\nHost: h\r\n\r\n";
  c.Send(all);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    auto [head, body] = c.ReadResponse();
    ASSERT_NE(head.find("200 OK"), std::string::npos) << i;
    ASSERT_EQ(body.size(), 100000u) << i;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST_F(InlineServerTest, NonInlineRequestHandsTheConnectionOverMidStream) {
  Start();
  Client c(server_->port());
  // One write: inline, a chunked upload (blocking path), inline again (now on the blocking thread
  // too), then a plain request the handler does not serve inline.
  c.Send(Post("/inline/a", "1") +
         "PUT /inline/chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
         "3\r\nabc\r\n0\r\n\r\n" +
         Post("/inline/b", "2") + Post("/blocking", "3"));
  auto [h1, b1] = c.ReadResponse();
  auto [h2, b2] = c.ReadResponse();
  auto [h3, b3] = c.ReadResponse();
  auto [h4, b4] = c.ReadResponse();
  EXPECT_EQ(b1, "POST /inline/a 1");
  EXPECT_EQ(HeaderOf(h1, "X-Buffered"), "yes");
  EXPECT_EQ(b2, "PUT /inline/chunked abc");
  EXPECT_EQ(HeaderOf(h2, "X-Buffered"), "no");
  EXPECT_NE(HeaderOf(h1, "X-Thread"), HeaderOf(h2, "X-Thread"));
  EXPECT_EQ(b3, "POST /inline/b 2");
  EXPECT_EQ(HeaderOf(h3, "X-Thread"), HeaderOf(h2, "X-Thread"));
  EXPECT_EQ(b4, "POST /blocking 3");
  // A request the handler does not serve inline, on a fresh connection: the blocking path.
  Client d(server_->port());
  d.Send(Post("/blocking", "4"));
  auto [h5, b5] = d.ReadResponse();
  EXPECT_EQ(b5, "POST /blocking 4");
  EXPECT_EQ(HeaderOf(h5, "X-Buffered"), "no");
}

TEST_F(InlineServerTest, ContinueAndLargeBodiesGoToTheBlockingPath) {
  Start();
  Client c(server_->port());
  c.Send("PUT /inline/d HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(c.ReadUntil("\r\n\r\n").find("100 Continue"), std::string::npos);
  c.Send("hi");
  auto [h1, b1] = c.ReadResponse();
  EXPECT_EQ(b1, "PUT /inline/d hi");
  Client d(server_->port());
  const std::string big((1 << 20) + 1, 'z');  // over inline_body_limit
  d.Send(Post("/inline/big-body", big));
  auto [h2, b2] = d.ReadResponse();
  EXPECT_EQ(HeaderOf(h2, "X-Buffered"), "no");
  EXPECT_EQ(b2, "POST /inline/big-body " + big);
}

TEST_F(InlineServerTest, ManyConcurrentConnectionsAreAllServed) {
  Start();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 300; ++i)
    clients.push_back(std::make_unique<Client>(server_->port()));
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < clients.size(); ++i)
      clients[i]->Send(Post("/inline/m", std::to_string(i)));
    for (std::size_t i = 0; i < clients.size(); ++i)
      ASSERT_EQ(clients[i]->ReadResponse().second, "POST /inline/m " + std::to_string(i));
  }
}

TEST_F(InlineServerTest, ConnectionsBeyondTheLimitGet503) {
  Start(/*io_threads=*/2, /*max_connections=*/2);
  Client a(server_->port()), b(server_->port());
  a.Send(Post("/inline/1", "x"));
  b.Send(Post("/blocking", "y"));  // one on each path
  EXPECT_EQ(a.ReadResponse().second, "POST /inline/1 x");
  EXPECT_EQ(b.ReadResponse().second, "POST /blocking y");
  Client c(server_->port());
  EXPECT_NE(c.ReadAll().find("503 Service Unavailable"), std::string::npos);
}

TEST_F(InlineServerTest, IdleInlineConnectionIsClosed) {
  Start(/*io_threads=*/2, /*max_connections=*/1024, std::chrono::milliseconds(200));
  Client c(server_->port());
  c.Send(Post("/inline/i", "x"));
  EXPECT_EQ(c.ReadResponse().second, "POST /inline/i x");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.ReadAll(), "");  // the server closes it
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST_F(InlineServerTest, InlineHandlerExceptionBecomes500AndTheServerGoesOn) {
  Start();
  Client c(server_->port());
  c.Send("GET /inline/throw HTTP/1.1\r\nHost: h\r\n\r\n");
  const std::string r = c.ReadAll();
  EXPECT_NE(r.find("500 Internal Server Error"), std::string::npos);
  EXPECT_NE(r.find("Connection: close"), std::string::npos);
  Client d(server_->port());
  d.Send(Post("/inline/after", "ok"));
  EXPECT_EQ(d.ReadResponse().second, "POST /inline/after ok");
}

TEST_F(InlineServerTest, StopClosesConnectionsOnBothPathsAndJoins) {
  Start();
  Client idle(server_->port());
  idle.Send(Post("/inline/x", "1"));
  EXPECT_EQ(idle.ReadResponse().second, "POST /inline/x 1");
  Client uploading(server_->port());
  uploading.Send("PUT /blocking HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nabc");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto t0 = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(idle.ReadAll(), "");
}

}  // namespace
}  // namespace kiln
