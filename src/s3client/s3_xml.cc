// S3 XML parsing and building with pugixml (see s3_xml.h). Pure functions, thread-safe.
#include "s3client/s3_xml.h"

#include <charconv>
#include <pugixml.hpp>

#include "auth/sigv4.h"
#include "common/markup_escape.h"

namespace kiln {
namespace {

// Parses `body`; Corruption naming `what` when it is not XML.
Status Load(std::string_view body, std::string_view what, pugi::xml_document* doc) {
  const pugi::xml_parse_result r = doc->load_buffer(body.data(), body.size());
  if (!r)
    return Status::Corruption("the " + std::string(what) + " response is not valid XML (" +
                              r.description() + " at byte " + std::to_string(r.offset) + ")");
  return Status::Ok();
}

std::string Text(const pugi::xml_node& parent, const char* name) {
  return parent.child(name).text().as_string();
}

bool ToU64(const std::string& s, std::uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::string FormDecode(std::string s) {
  for (char& c : s) {
    if (c == '+')
      c = ' ';
  }
  return UriDecode(s);
}

const char* BodilessCode(int http_status) {
  switch (http_status) {
    case 400:
      return "BadRequest";
    case 403:
      return "AccessDenied";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 412:
      return "PreconditionFailed";
    case 416:
      return "InvalidRange";
    case 429:
      return "SlowDown";
    case 501:
      return "NotImplemented";
    case 503:
      return "ServiceUnavailable";
    default:
      return http_status >= 500 ? "InternalError" : "UnknownError";
  }
}

}  // namespace

std::string S3ErrorCode(std::string_view body) {
  pugi::xml_document doc;
  if (body.empty() || !doc.load_buffer(body.data(), body.size()))
    return "";
  return Text(doc.document_element(), "Code");
}

Status StatusFromS3Error(int http_status, std::string_view body, std::string_view resource) {
  std::string code = S3ErrorCode(body);
  std::string message;
  if (!code.empty()) {
    pugi::xml_document doc;
    doc.load_buffer(body.data(), body.size());
    message = Text(doc.document_element(), "Message");
  } else {
    code = BodilessCode(http_status);
    message = "HTTP " + std::to_string(http_status);
    if (http_status == 403)
      message += " (no error details: check the access key and secret)";
  }
  std::string text = std::string(resource) + ": " + code;
  if (!message.empty())
    text += ": " + message;
  StatusCode sc = StatusCode::kInvalidArgument;
  if (http_status == 404)
    sc = StatusCode::kNotFound;
  else if (http_status == 409)
    sc = StatusCode::kAlreadyExists;
  else if (http_status == 412)
    sc = StatusCode::kFailedPrecondition;
  else if (http_status == 501)
    sc = StatusCode::kUnimplemented;
  else if (http_status >= 500 || http_status == 429)
    sc = StatusCode::kIoError;
  return Status(sc, text).WithReason(code);
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view body) {
  pugi::xml_document doc;
  RETURN_IF_ERROR(Load(body, "CreateMultipartUpload", &doc));
  std::string id = Text(doc.document_element(), "UploadId");
  if (id.empty())
    return Status::Corruption("the CreateMultipartUpload response has no UploadId");
  return id;
}

Result<PartListing> ParseListParts(std::string_view body) {
  pugi::xml_document doc;
  RETURN_IF_ERROR(Load(body, "ListParts", &doc));
  const pugi::xml_node root = doc.document_element();
  PartListing out;
  out.truncated = Text(root, "IsTruncated") == "true";
  out.next_marker = root.child("NextPartNumberMarker").text().as_int();
  for (pugi::xml_node p : root.children("Part")) {
    UploadedPart part;
    part.number = p.child("PartNumber").text().as_int();
    part.etag = Text(p, "ETag");
    if (part.number <= 0 || !ToU64(Text(p, "Size"), &part.size))
      return Status::Corruption(
          "the ListParts response has a Part without a valid PartNumber "
          "and Size");
    out.parts.push_back(std::move(part));
  }
  return out;
}

Result<std::string> ParseCompleteMultipartUpload(std::string_view body, std::string_view resource) {
  pugi::xml_document doc;
  RETURN_IF_ERROR(Load(body, "CompleteMultipartUpload", &doc));
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) == "Error")
    return StatusFromS3Error(500, body, resource);
  std::string etag = Text(root, "ETag");
  if (etag.empty())
    return Status::Corruption("the CompleteMultipartUpload response has no ETag");
  return etag;
}

Result<ObjectListing> ParseListObjectsV2(std::string_view body) {
  pugi::xml_document doc;
  RETURN_IF_ERROR(Load(body, "ListObjectsV2", &doc));
  const pugi::xml_node root = doc.document_element();
  const bool url_encoded = Text(root, "EncodingType") == "url";
  ObjectListing out;
  out.truncated = Text(root, "IsTruncated") == "true";
  out.next_token = Text(root, "NextContinuationToken");
  for (pugi::xml_node c : root.children("Contents")) {
    ListedObject o;
    o.key = Text(c, "Key");
    if (url_encoded)
      o.key = FormDecode(std::move(o.key));
    o.etag = Text(c, "ETag");
    o.last_modified = Text(c, "LastModified");
    if (o.key.empty() || !ToU64(Text(c, "Size"), &o.size))
      return Status::Corruption("the ListObjectsV2 response has Contents without Key and Size");
    out.objects.push_back(std::move(o));
  }
  if (out.truncated && out.next_token.empty())
    return Status::Corruption(
        "the ListObjectsV2 response is truncated but has no "
        "NextContinuationToken");
  return out;
}

std::string CompleteMultipartUploadXml(const std::vector<UploadedPart>& parts) {
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const UploadedPart& p : parts) {
    xml += "<Part><ETag>" + XmlEscape(p.etag) + "</ETag><PartNumber>" + std::to_string(p.number) +
           "</PartNumber></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

}  // namespace kiln
