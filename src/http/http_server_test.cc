#include "http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

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
