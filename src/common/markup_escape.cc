#include "common/markup_escape.h"

namespace kiln {
namespace {

// & < > " and ' (as `apostrophe`); a CR as &#13; when `escape_cr`.
std::string Escape(std::string_view s, const char* apostrophe, bool escape_cr) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += apostrophe;
        break;
      case '\r':
        if (escape_cr)
          out += "&#13;";
        else
          out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string XmlEscape(std::string_view s) { return Escape(s, "&apos;", true); }

std::string HtmlEscape(std::string_view s) { return Escape(s, "&#39;", false); }

}  // namespace kiln
