// Escaping text for XML and HTML documents: element text and double- or single-quoted attribute
// values. Used by the S3 API's responses, the S3 client's requests and the HTML reports (profile,
// AutoML). Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace kiln {

// & < > " ' as &amp; &lt; &gt; &quot; &apos;, and a carriage return as &#13; (an XML parser would
// otherwise read a raw CR as a line end, and S3 keys and values may hold one).
std::string XmlEscape(std::string_view s);

// & < > " ' as &amp; &lt; &gt; &quot; &#39; (HTML 4 has no &apos;).
std::string HtmlEscape(std::string_view s);

}  // namespace kiln
