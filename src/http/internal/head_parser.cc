#include "http/internal/head_parser.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <limits>

namespace kiln::http_internal {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// Assigns into the existing strings of `request` so their capacity is reused.
class HeadOnlyParser final : public bhttp::basic_parser<true> {
 public:
  explicit HeadOnlyParser(HttpRequest& request) : request_(request) {}
  std::size_t fields() const { return fields_; }
  bool expect_continue() const { return expect_continue_; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target, int,
                       beast::error_code&) override {
    request_.method.assign(method.data(), method.size());
    request_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
  void on_field_impl(bhttp::field name, beast::string_view name_string, beast::string_view value,
                     beast::error_code&) override {
    if (fields_ < request_.headers.size()) {
      request_.headers[fields_].first.assign(name_string.data(), name_string.size());
      request_.headers[fields_].second.assign(value.data(), value.size());
    } else {
      request_.headers.emplace_back(std::string(name_string.data(), name_string.size()),
                                    std::string(value.data(), value.size()));
    }
    ++fields_;
    if (name == bhttp::field::expect &&
        HeaderNameEquals({value.data(), value.size()}, "100-continue"))
      expect_continue_ = true;
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code&) override {
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  HttpRequest& request_;
  std::size_t fields_ = 0;
  bool expect_continue_ = false;
};

}  // namespace

HeadParse ParseRequestHead(std::string_view data, std::size_t header_limit, HttpRequest& request,
                           RequestHeadInfo& info, std::string& error) {
  HeadOnlyParser parser(request);
  parser.eager(false);  // stop after the head: the body is taken from the buffer as it is
  parser.header_limit(static_cast<std::uint32_t>(header_limit));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  beast::error_code ec;
  const std::size_t used = parser.put(boost::asio::const_buffer(data.data(), data.size()), ec);
  if (ec == bhttp::error::need_more)
    return HeadParse::kNeedMore;
  if (ec) {
    error = ec.message();
    return HeadParse::kError;
  }
  if (!parser.is_header_done())
    return HeadParse::kNeedMore;
  request.headers.resize(parser.fields());
  const std::size_t q = request.target.find('?');
  if (q == std::string::npos) {
    request.path.assign(request.target);
    request.query.clear();
  } else {
    request.path.assign(request.target, 0, q);
    request.query.assign(request.target, q + 1);
  }
  info.head_bytes = used;
  info.chunked = parser.chunked();
  info.keep_alive = parser.keep_alive();
  info.expect_continue = parser.expect_continue();
  if (auto cl = parser.content_length())
    info.content_length = *cl;
  else if (info.chunked)
    info.content_length.reset();
  else
    info.content_length = 0;
  request.content_length = info.content_length;
  return HeadParse::kDone;
}

}  // namespace kiln::http_internal
