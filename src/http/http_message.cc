#include "http/http_message.h"

namespace kiln {

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x == y)
      continue;  // no case folding for equal bytes
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

std::optional<std::string_view> FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name))
      return std::string_view(v);
  }
  return std::nullopt;
}

Result<std::string> BodyReader::ReadAll(std::size_t limit) {
  std::string out;
  char buf[64 * 1024];
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, Read(buf, sizeof(buf)));
    if (n == 0)
      break;
    if (out.size() + n > limit) {
      return Status::InvalidArgument("request body is larger than " + std::to_string(limit) +
                                     " bytes")
          .WithReason("EntityTooLarge");
    }
    out.append(buf, n);
  }
  return out;
}

HttpResponse& HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

}  // namespace kiln
