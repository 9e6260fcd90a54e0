#include "api/s3_xml.h"

#include <ctime>
#include <pugixml.hpp>

#include "common/markup_escape.h"

namespace kiln {

XmlWriter::XmlWriter() { out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

XmlWriter& XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  out_ += '<';
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    out_ += xmlns;
    out_ += '"';
  }
  out_ += '>';
  return *this;
}

XmlWriter& XmlWriter::Close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
  return *this;
}

XmlWriter& XmlWriter::Leaf(std::string_view name, std::string_view text) {
  Open(name);
  out_ += XmlEscape(text);
  return Close(name);
}

XmlWriter& XmlWriter::Leaf(std::string_view name, std::uint64_t value) {
  return Leaf(name, std::to_string(value));
}

namespace {
std::tm UtcTm(std::int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}
}  // namespace

std::string Iso8601Millis(std::int64_t unix_ms) {
  std::tm tm = UtcTm(unix_ms);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof(ms), ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string(buf) + ms;
}

std::string Rfc1123(std::int64_t unix_ms) {
  std::tm tm = UtcTm(unix_ms);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<std::int64_t> ParseHttpDateMs(std::string_view text) {
  std::string s(text);
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0')
    return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

namespace {
Status MalformedXml(const std::string& why) {
  return Status::InvalidArgument("the XML you provided was not well-formed or did not validate: " +
                                 why)
      .WithReason("MalformedXML");
}

Result<pugi::xml_document> Load(std::string_view xml, pugi::xml_node* root) {
  pugi::xml_document doc;
  const pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size());
  if (!r)
    return MalformedXml(std::string(r.description()) + " at byte " + std::to_string(r.offset));
  *root = doc.document_element();
  return doc;
}

std::string Unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    return s.substr(1, s.size() - 2);
  return s;
}
}  // namespace

Result<DeleteRequest> ParseDeleteRequest(std::string_view xml) {
  pugi::xml_node root;
  ASSIGN_OR_RETURN(pugi::xml_document doc, Load(xml, &root));
  if (std::string_view(root.name()) != "Delete")
    return MalformedXml("the root element must be <Delete>");
  DeleteRequest out;
  out.quiet = std::string_view(root.child_value("Quiet")) == "true";
  for (pugi::xml_node o : root.children("Object")) {
    pugi::xml_node k = o.child("Key");
    if (!k)
      return MalformedXml("every <Object> needs a <Key>");
    out.keys.emplace_back(k.child_value());
  }
  if (out.keys.empty())
    return MalformedXml("<Delete> lists no <Object>");
  if (out.keys.size() > 1000)
    return MalformedXml("at most 1000 objects can be deleted per request");
  return out;
}

Result<std::vector<std::pair<int, std::string>>> ParseCompleteMultipartUpload(
    std::string_view xml) {
  pugi::xml_node root;
  ASSIGN_OR_RETURN(pugi::xml_document doc, Load(xml, &root));
  if (std::string_view(root.name()) != "CompleteMultipartUpload")
    return MalformedXml("the root element must be <CompleteMultipartUpload>");
  std::vector<std::pair<int, std::string>> parts;
  for (pugi::xml_node p : root.children("Part")) {
    const std::string number = p.child_value("PartNumber");
    int n = 0;
    try {
      std::size_t used = 0;
      n = std::stoi(number, &used);
      if (used != number.size())
        throw std::invalid_argument(number);
    } catch (const std::exception&) {
      return MalformedXml("PartNumber \"" + number + "\" is not a number");
    }
    parts.emplace_back(n, Unquote(p.child_value("ETag")));
  }
  if (parts.empty())
    return MalformedXml("<CompleteMultipartUpload> lists no <Part>");
  return parts;
}

}  // namespace kiln
