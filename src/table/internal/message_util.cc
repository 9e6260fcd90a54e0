#include "table/internal/message_util.h"

#include <cstdio>

namespace kiln::table_internal {

std::string ShortValue(std::string_view value) {
  if (value.size() <= kMaxValueInMessage)
    return std::string(value);
  std::size_t cut = kMaxValueInMessage;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(value.substr(0, cut)) + "...";
}

std::string QuoteValue(std::string_view value) {
  std::string shortened = ShortValue(value);
  std::string out = "\"";
  for (char c : shortened) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '"') {
      out += "\\\"";
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace kiln::table_internal
