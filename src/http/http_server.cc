#include "http/http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "common/digest.h"
#include "http/internal/blocking_connections.h"
#include "http/internal/io_loop.h"
#include "http/internal/server_context.h"

namespace kiln {

using http_internal::BlockingConnections;
using http_internal::IoLoop;
using http_internal::ServerContext;

Status HttpServerOptions::Validate() const {
  if (max_connections == 0)
    return Status::InvalidArgument("max_connections must be at least 1");
  if (idle_timeout.count() <= 0)
    return Status::InvalidArgument("idle_timeout must be positive");
  if (header_limit < 1024)
    return Status::InvalidArgument("header_limit must be at least 1024 bytes");
  if (io_threads > 256)
    return Status::InvalidArgument("io_threads must be at most 256 (0: one per hardware thread)");
  if (tls_cert_file.empty() != tls_key_file.empty())
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  return Status::Ok();
}

// Destroyed in reverse order: the loops (which hand connections to `blocking`) stop first.
struct HttpServer::State {
  State(const HttpServerOptions& options, HttpHandler& handler, int fd)
      : context(options, handler, HexEncode(RandomBytes(6))), blocking(context), listen_fd(fd) {}
  ~State() {
    context.stopping.store(true);
    for (auto& loop : loops)
      loop->Stop();
    loops.clear();
    blocking.StopAll();
    ::close(listen_fd);
    if (context.tls)
      SSL_CTX_free(context.tls);
  }

  ServerContext context;
  BlockingConnections blocking;
  const int listen_fd;
  std::vector<std::unique_ptr<IoLoop>> loops;
};

namespace {

// A listening socket on host:port, non-blocking (the I/O loops accept from it).
Result<int> Listen(const HttpServerOptions& options) {
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
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0)
      break;
    last_error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0)
    return Status::IoError("cannot listen on " + options.host + ":" + port + ": " + last_error);
  return fd;
}

std::uint16_t BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET)
    return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

Result<SSL_CTX*> NewTlsContext(const HttpServerOptions& options) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, options.tls_cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, options.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    char err[256];
    ERR_error_string_n(ERR_get_error(), err, sizeof(err));
    SSL_CTX_free(ctx);
    return Status::InvalidArgument("cannot use the TLS certificate " + options.tls_cert_file +
                                   " and key " + options.tls_key_file + ": " + err);
  }
  return ctx;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      HttpHandler& handler) {
  RETURN_IF_ERROR(options.Validate());
  ASSIGN_OR_RETURN(const int fd, Listen(options));
  auto state = std::make_unique<State>(options, handler, fd);
  if (!options.tls_cert_file.empty()) {
    ASSIGN_OR_RETURN(state->context.tls, NewTlsContext(options));
  }
  std::size_t threads = options.io_threads;
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < threads; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<IoLoop> loop,
                     IoLoop::Start(state->context, state->blocking, fd, /*reaps_blocking=*/i == 0));
    state->loops.push_back(std::move(loop));
  }
  const std::uint16_t port = BoundPort(fd);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state), port));
}

HttpServer::HttpServer(std::unique_ptr<State> state, std::uint16_t port)
    : state_(std::move(state)), port_(port) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() { state_.reset(); }

}  // namespace kiln
