// HttpClient over Boost.Beast and OpenSSL (see http_client.h). Each asynchronous operation runs on
// the client's own io_context under a timeout, which gives blocking calls with deadlines. The
// Beast and asio headers stay in this file only: they are slow to compile.
#include "s3client/http_client.h"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <exception>
#include <limits>
#include <type_traits>

namespace kiln {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

namespace {

constexpr std::size_t kIoChunk = 256 << 10;

bool IsHeaderName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool HasHeader(const HttpHeaderList& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return IsHeaderName(h.first, name); });
}

}  // namespace

Status HttpClientOptions::Validate() const {
  if (connect_timeout.count() <= 0 || io_timeout.count() <= 0)
    return Status::InvalidArgument("HTTP timeouts must be positive");
  if (max_buffered_body < 4096)
    return Status::InvalidArgument("max_buffered_body must be at least 4096 bytes");
  return Status::Ok();
}

std::optional<std::string_view> HttpClientResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IsHeaderName(k, name))
      return std::string_view(v);
  }
  return std::nullopt;
}

bool IsTransientTransportError(const Status& status) {
  return status.code() == StatusCode::kIoError &&
         (status.reason() == "ConnectionError" || status.reason() == "Timeout");
}

struct HttpConnection {
  asio::io_context ioc;
  std::optional<asio::ssl::context> ssl_ctx;
  std::unique_ptr<tcp::socket> plain;
  std::unique_ptr<beast::ssl_stream<tcp::socket>> tls;
  beast::flat_buffer buffer;
  std::string io_buf = std::string(kIoChunk, '\0');

  bool connected() const { return plain || tls; }
  tcp::socket& socket() { return plain ? *plain : beast::get_lowest_layer(*tls); }
};

namespace {

// Runs one asynchronous operation to completion, or cancels it after `timeout`. `start` receives
// the completion handler; `cancel` aborts the operation (closes the socket).
template <class Start, class Cancel>
ErrorCode RunFor(asio::io_context& ioc, std::chrono::milliseconds timeout, Start&& start,
                 Cancel&& cancel) {
  ErrorCode result = asio::error::would_block;
  bool done = false;
  start([&](ErrorCode ec, auto&&...) {
    result = ec;
    done = true;
  });
  ioc.restart();
  ioc.run_for(timeout);
  if (!done) {
    cancel();
    ioc.restart();
    ioc.run();
    return beast::error::timeout;
  }
  return result;
}

Status TransportError(const ErrorCode& ec, const std::string& what, SSL* ssl) {
  if (ec == beast::error::timeout)
    return Status::IoError(what + ": timed out").WithReason("Timeout");
  if (ec.category() == asio::error::get_ssl_category() &&
      ec != asio::ssl::error::stream_truncated) {
    std::string detail = ec.message();
    if (ssl != nullptr) {
      const long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK)
        detail = std::string("certificate verification failed: ") +
                 X509_verify_cert_error_string(verify);
    }
    return Status::IoError(what + ": TLS error: " + detail).WithReason("TlsError");
  }
  if (ec.category() == asio::error::get_netdb_category() &&
      ec != asio::error::host_not_found_try_again)
    return Status::IoError(what + ": " + ec.message()).WithReason("ResolveError");
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    return Status::IoError(what + ": malformed HTTP response: " + ec.message())
        .WithReason("ProtocolError");
  std::string detail = ec.message();
  if (ec == bhttp::error::partial_message)
    detail = "the connection closed before the response was complete";
  else if (ec == bhttp::error::end_of_stream || ec == asio::error::eof)
    detail = "the server closed the connection";
  return Status::IoError(what + ": " + detail).WithReason("ConnectionError");
}

}  // namespace

HttpClient::HttpClient(Url origin, HttpClientOptions options)
    : origin_(std::move(origin)),
      options_(std::move(options)),
      impl_(std::make_unique<HttpConnection>()) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (!impl_->connected())
    return;
  ErrorCode ignored;
  impl_->socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->socket().close(ignored);
  impl_->plain.reset();
  impl_->tls.reset();
  impl_->buffer.clear();
}

namespace {

// One request/response exchange on a connected stream. Sets *got_head once a response head has
// been read (after which a failure must not be retried transparently).
template <class Stream>
Result<HttpClientResponse> Exchange(Stream& stream, HttpConnection& impl,
                                    const HttpClientOptions& options, const Url& origin,
                                    const HttpClientRequest& request, const BodySink* sink,
                                    const std::function<Status(const HttpClientResponse&)>* on_head,
                                    bool* got_head, bool* keep_alive) {
  const auto cancel = [&] {
    ErrorCode ignored;
    impl.socket().close(ignored);
  };
  const std::string where = request.method + " " + origin.Origin() + request.target;
  SSL* ssl = nullptr;
  if constexpr (!std::is_same_v<Stream, tcp::socket>)
    ssl = stream.native_handle();

  bhttp::request<bhttp::buffer_body> req;
  req.method_string(request.method);
  req.target(request.target);
  req.version(11);
  if (!HasHeader(request.headers, "host"))
    req.set(bhttp::field::host, origin.HostHeader());
  if (!HasHeader(request.headers, "user-agent"))
    req.set(bhttp::field::user_agent, options.user_agent);
  for (const auto& [k, v] : request.headers)
    req.insert(k, v);
  const std::uint64_t body_size = request.body.size();
  if (body_size > 0 || request.send_content_length)
    req.content_length(body_size);
  req.body().data = nullptr;
  req.body().size = 0;
  req.body().more = body_size > 0;

  int fd = -1;
  if (request.body.is_file() && body_size > 0) {
    fd = ::open(request.body.file_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return Status::IoError("cannot open " + request.body.file_path + ": " + std::strerror(errno));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd >= 0)
        ::close(fd);
    }
  } closer{fd};

  // Write the head and the body.
  bhttp::request_serializer<bhttp::buffer_body> sr(req);
  ErrorCode write_ec = RunFor(
      impl.ioc, options.io_timeout,
      [&](auto handler) { bhttp::async_write_header(stream, sr, std::move(handler)); }, cancel);
  std::uint64_t sent = 0;
  while (!write_ec && sent < body_size) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(kIoChunk, body_size - sent));
    const char* data = nullptr;
    if (fd >= 0) {
      const ssize_t got =
          ::pread(fd, impl.io_buf.data(), n, static_cast<off_t>(request.body.file_offset + sent));
      if (got <= 0)
        return Status::IoError(
            "cannot read " + request.body.file_path + " at offset " +
            std::to_string(request.body.file_offset + sent) + ": " +
            (got == 0 ? "the file is shorter than expected" : std::strerror(errno)));
      data = impl.io_buf.data();
      sent += static_cast<std::uint64_t>(got);
      req.body().size = static_cast<std::size_t>(got);
    } else {
      data = request.body.data.data() + sent;
      sent += n;
      req.body().size = n;
    }
    req.body().data = const_cast<char*>(data);
    req.body().more = sent < body_size;
    write_ec = RunFor(
        impl.ioc, options.io_timeout,
        [&](auto handler) { bhttp::async_write(stream, sr, std::move(handler)); }, cancel);
    if (write_ec == bhttp::error::need_buffer)
      write_ec = {};
  }

  // Read the response head (also after a failed write: the server may have answered early).
  HttpClientResponse response;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // boost::none misbehaves in 1.74
  parser.header_limit(64 << 10);
  if (request.method == "HEAD")
    parser.skip(true);
  ErrorCode ec = RunFor(
      impl.ioc, options.io_timeout,
      [&](auto handler) {
        bhttp::async_read_header(stream, impl.buffer, parser, std::move(handler));
      },
      cancel);
  if (ec)
    return TransportError(write_ec ? write_ec : ec, where, ssl);
  *got_head = true;
  const auto& head = parser.get();
  response.status = static_cast<int>(head.result_int());
  for (const auto& field : head)
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  if (on_head != nullptr) {
    Status s = (*on_head)(response);
    if (!s.ok()) {
      *keep_alive = false;
      return s;
    }
  }

  // Read the body.
  const bool to_sink = sink != nullptr && response.status >= 200 && response.status < 300;
  while (!parser.is_done()) {
    parser.get().body().data = impl.io_buf.data();
    parser.get().body().size = impl.io_buf.size();
    ec = RunFor(
        impl.ioc, options.io_timeout,
        [&](auto handler) { bhttp::async_read(stream, impl.buffer, parser, std::move(handler)); },
        cancel);
    if (ec == bhttp::error::need_buffer)
      ec = {};
    const std::size_t n = impl.io_buf.size() - parser.get().body().size;
    if (n > 0) {
      const std::string_view chunk(impl.io_buf.data(), n);
      if (to_sink) {
        response.streamed_bytes += n;
        Status s = (*sink)(chunk);
        if (!s.ok()) {
          *keep_alive = false;
          return s;
        }
      } else if (response.body.size() + n <= options.max_buffered_body) {
        response.body.append(chunk);
      } else {
        return Status::IoError(where + ": the response body exceeds " +
                               std::to_string(options.max_buffered_body) + " bytes")
            .WithReason("ProtocolError");
      }
    }
    if (ec)
      return TransportError(ec, where + " (reading the response body)", ssl);
  }
  *keep_alive = parser.keep_alive() && !write_ec;
  return response;
}

}  // namespace

Result<HttpClientResponse> HttpClient::Send(
    const HttpClientRequest& request, const BodySink* sink,
    const std::function<Status(const HttpClientResponse&)>* on_head) {
  HttpConnection& impl = *impl_;
  const auto cancel = [&] {
    ErrorCode ignored;
    if (impl.connected())
      impl.socket().close(ignored);
  };
  try {
    for (int attempt = 0;; ++attempt) {
      bool fresh = false;
      if (!impl.connected()) {
        fresh = true;
        const std::string where = "connecting to " + origin_.Origin();
        tcp::resolver resolver(impl.ioc);
        tcp::resolver::results_type endpoints;
        ErrorCode ec = RunFor(
            impl.ioc, options_.connect_timeout,
            [&](auto handler) {
              resolver.async_resolve(origin_.host, std::to_string(origin_.port),
                                     [&endpoints, handler](ErrorCode e, auto results) mutable {
                                       endpoints = results;
                                       handler(e);
                                     });
            },
            [&] { resolver.cancel(); });
        if (ec)
          return TransportError(ec, where, nullptr);
        if (origin_.tls()) {
          if (!impl.ssl_ctx) {
            impl.ssl_ctx.emplace(asio::ssl::context::tls_client);
            ErrorCode ca_ec;
            if (options_.ca_file.empty())
              impl.ssl_ctx->set_default_verify_paths(ca_ec);
            else
              impl.ssl_ctx->load_verify_file(options_.ca_file, ca_ec);
            if (ca_ec) {
              impl.ssl_ctx.reset();
              return Status::InvalidArgument(
                         "cannot load the CA certificates" +
                         (options_.ca_file.empty() ? std::string() : " in " + options_.ca_file) +
                         ": " + ca_ec.message())
                  .WithReason("TlsError");
            }
            impl.ssl_ctx->set_verify_mode(asio::ssl::verify_peer);
          }
          impl.tls = std::make_unique<beast::ssl_stream<tcp::socket>>(impl.ioc, *impl.ssl_ctx);
        } else {
          impl.plain = std::make_unique<tcp::socket>(impl.ioc);
        }
        ec = RunFor(
            impl.ioc, options_.connect_timeout,
            [&](auto handler) {
              asio::async_connect(
                  impl.socket(), endpoints,
                  [handler](ErrorCode e, const tcp::endpoint&) mutable { handler(e); });
            },
            cancel);
        if (ec) {
          Close();
          return TransportError(ec, where, nullptr);
        }
        impl.socket().set_option(tcp::no_delay(true), ec);
        if (impl.tls) {
          SSL* ssl = impl.tls->native_handle();
          ErrorCode addr_ec;
          asio::ip::make_address(origin_.host, addr_ec);
          const bool is_ip = !addr_ec;
          if (!is_ip)
            SSL_set_tlsext_host_name(ssl, origin_.host.c_str());
          X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
          const int set = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, origin_.host.c_str())
                                : X509_VERIFY_PARAM_set1_host(param, origin_.host.c_str(), 0);
          if (set != 1) {
            Close();
            return Status::IoError(where + ": cannot set the TLS host name").WithReason("TlsError");
          }
          ec = RunFor(
              impl.ioc, options_.connect_timeout,
              [&](auto handler) {
                impl.tls->async_handshake(asio::ssl::stream_base::client, std::move(handler));
              },
              cancel);
          if (ec) {
            Status s = TransportError(ec, where, ssl);
            Close();
            return s;
          }
        }
      }
      bool got_head = false;
      bool keep_alive = false;
      Result<HttpClientResponse> r = impl.tls
                                         ? Exchange(*impl.tls, impl, options_, origin_, request,
                                                    sink, on_head, &got_head, &keep_alive)
                                         : Exchange(*impl.plain, impl, options_, origin_, request,
                                                    sink, on_head, &got_head, &keep_alive);
      if (r.ok() && keep_alive)
        return r;
      Close();
      if (r.ok())
        return r;
      // A kept-alive connection the server closed while idle: reconnect once and resend.
      if (!fresh && !got_head && attempt == 0 && IsTransientTransportError(r.error()))
        continue;
      return r;
    }
  } catch (const std::exception& e) {
    Close();
    return Status::IoError(request.method + " " + origin_.Origin() + request.target + ": " +
                           e.what())
        .WithReason("ConnectionError");
  }
}

}  // namespace kiln
