// JsonRowReader: the row shapes of a JSON body walked with simdjson On-Demand; see the header.
#include "serve/internal/json_rows.h"

#include <simdjson.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "serve/internal/payload_rows.h"

namespace kiln::serve_internal {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

constexpr std::size_t kPadding = simdjson::SIMDJSON_PADDING;

std::string_view TrimJsonSpace(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Whether `s` is a number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i - from;
  };
  if (i < s.size() && s[i] == '-')
    ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0)
      return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      ++i;
    if (digits() == 0)
      return false;
  }
  return i == s.size();
}

const char* Describe(error_code e) {
  switch (e) {
    case simdjson::TAPE_ERROR:
      return "a comma, colon, bracket or brace is missing or out of place";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "an array or object is not closed, or text follows it";
    case simdjson::UNCLOSED_STRING:
      return "a string is never closed";
    case simdjson::NUMBER_ERROR:
      return "a number is malformed";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
    case simdjson::INCORRECT_TYPE:
      return "a value is malformed (expected a number, a string, true, false, null, [ or {)";
    case simdjson::STRING_ERROR:
      return "a string holds an invalid escape";
    case simdjson::UNESCAPED_CHARS:
      return "a string holds a control character (write it escaped, e.g. \\n)";
    case simdjson::UTF8_ERROR:
      return "it is not valid UTF-8";
    case simdjson::DEPTH_ERROR:
      return "arrays and objects nest too deeply";
    case simdjson::EMPTY:
      return "it holds no value";
    default:
      return simdjson::error_message(e);
  }
}

}  // namespace

std::string JsonPlace(bool lines, std::uint32_t number) {
  return (lines ? "line " : "instance ") + std::to_string(number);
}

struct JsonRowReader::State {
  od::parser parser;
  std::unique_ptr<char[]> copy;  // the body, then kPadding blanks
  std::size_t copy_capacity = 0;
};

namespace {

// One walk over one body: the document being read and where its views map back to.
class Walk {
 public:
  Walk(std::string_view body, const char* copy, const JsonRowOptions& options, JsonRowSink& sink)
      : body_(body), copy_(copy), options_(options), sink_(sink) {}

  // Reads the document of `text` (a view into the copy, followed by readable padding up to
  // `end`), `where` naming it in messages.
  Status Document(od::parser& parser, std::string_view text, const char* end, std::string where,
                  std::uint32_t line) {
    where_ = std::move(where);
    text_ = text;
    error_code e = parser
                       .iterate(simdjson::padded_string_view(
                           text.data(), text.size(), static_cast<std::size_t>(end - text.data())))
                       .get(doc_);
    if (e != simdjson::SUCCESS)
      return NotJson(e, nullptr);
    od::json_type type;
    if ((e = doc_.type().get(type)))
      return NotJson(e);
    return options_.lines ? Line(type, line) : Body(type);
  }

 private:
  // A JSON body: {"instances": [rows]}, one row, or an array of rows.
  Status Body(od::json_type type) {
    error_code e;
    if (type == od::json_type::object) {
      // Which keys are there: "instances" comes first whatever the order, so look before walking.
      bool has_instances = false;
      RETURN_IF_ERROR(ReadKeys(&has_instances));
      if (has_instances) {
        od::value instances;
        if ((e = doc_.find_field_unordered("instances").get(instances)))
          return NotJson(e);
        od::json_type t;
        if ((e = instances.type().get(t)))
          return NotJson(e);
        od::array rows;
        if (t != od::json_type::array || (e = instances.get_array().get(rows)))
          return Status::InvalidArgument("\"instances\" must be a list of rows");
        return Rows(rows);
      }
      od::object root;
      if ((e = doc_.get_object().get(root)))
        return NotJson(e);
      od::array values;
      bool found = false;
      RETURN_IF_ERROR(ObjectValues(root, &values, &found));
      if (found)
        return Values(values, 1);
    } else if (type == od::json_type::array) {
      od::array top;
      if ((e = doc_.get_array().get(top)))
        return NotJson(e);
      RETURN_IF_ERROR(TopArray(top));
      return AtEnd();
    }
    return Status::InvalidArgument(
        "the JSON body needs \"instances\" (a list of rows) or \"features\" (one row)");
  }

  // A line of JSON Lines: one row.
  Status Line(od::json_type type, std::uint32_t line) {
    od::array values;
    error_code e;
    if (type == od::json_type::array) {
      if ((e = doc_.get_array().get(values)))
        return NotJson(e);
      RETURN_IF_ERROR(Values(values, line));
      return AtEnd();
    }
    bool found = false;
    if (type == od::json_type::object) {
      bool has_instances = false;
      RETURN_IF_ERROR(ReadKeys(&has_instances));
      od::object row;
      if ((e = doc_.get_object().get(row)))
        return NotJson(e);
      RETURN_IF_ERROR(ObjectValues(row, &values, &found));
    }
    if (!found)
      return NotARow(line);
    return Values(values, line);
  }

  // Reads the keys of the document's object (and so the whole document, skipping the values:
  // text after it is an error), whether one is "instances", then rewinds.
  Status ReadKeys(bool* has_instances) {
    od::object root;
    error_code e;
    if ((e = doc_.get_object().get(root)))
      return NotJson(e);
    for (auto field : root) {
      od::field f;
      if ((e = std::move(field).get(f)))
        return NotJson(e);
      *has_instances = *has_instances || f.key() == "instances";
    }
    RETURN_IF_ERROR(AtEnd());
    doc_.rewind();
    return Status::Ok();
  }

  // InvalidArgument when text follows the document's value.
  Status AtEnd() {
    const char* rest = nullptr;
    if (doc_.current_location().get(rest) == simdjson::SUCCESS)
      return NotJson("unexpected text after the JSON value", rest);
    return Status::Ok();
  }

  // A top-level array: one row when its first value is not an array or an object (its values
  // must then all be numbers or nulls, or with flat_strings none an array or an object, else it
  // is an array of rows whose first is no row), else an array of rows.
  Status TopArray(od::array top) {
    std::uint32_t instance = 0;
    bool flat = false;
    RowCount row;
    for (auto element : top) {
      od::value v;
      error_code e;
      if ((e = std::move(element).get(v)))
        return NotJson(e);
      if (instance == 0 && row.count == 0) {
        od::json_type t;
        if ((e = v.type().get(t)))
          return NotJson(e);
        flat = t != od::json_type::array && t != od::json_type::object;
        if (flat)
          RETURN_IF_ERROR(sink_.BeginRow(1));
      }
      if (flat) {
        if (!OneValue(v, true, row))
          return std::move(failure_);
      } else {
        RETURN_IF_ERROR(Row(v, ++instance));
      }
    }
    return flat ? EndRow(row) : Status::Ok();
  }

  Status Rows(od::array rows) {
    std::uint32_t instance = 0;
    for (auto element : rows) {
      od::value row;
      if (const error_code e = std::move(element).get(row))
        return NotJson(e);
      RETURN_IF_ERROR(Row(row, ++instance));
    }
    return Status::Ok();
  }

  // One row of an array of rows: [values] or an object form.
  Status Row(od::value& row, std::uint32_t instance) {
    od::json_type t;
    error_code e;
    if ((e = row.type().get(t)))
      return NotJson(e);
    od::array values;
    bool found = false;
    if (t == od::json_type::array) {
      if ((e = row.get_array().get(values)))
        return NotJson(e);
      found = true;
    } else if (t == od::json_type::object) {
      od::object o;
      if ((e = row.get_object().get(o)))
        return NotJson(e);
      RETURN_IF_ERROR(ObjectValues(o, &values, &found));
    }
    if (!found)
      return NotARow(instance);
    return Values(values, instance);
  }

  // {"features": [values]} or {"data": {"features": {"values": [values]}}}: *found and the array.
  Status ObjectValues(od::object row, od::array* values, bool* found) {
    *found = false;
    od::value v;
    bool is = false;
    RETURN_IF_ERROR(Field(row, "features", od::json_type::array, &v, &is));
    if (!is) {
      od::object data;
      od::object features;
      RETURN_IF_ERROR(Field(row, "data", od::json_type::object, &v, &is));
      if (!is)
        return Status::Ok();
      RETURN_IF_ERROR(GetObject(v, &data));
      RETURN_IF_ERROR(Field(data, "features", od::json_type::object, &v, &is));
      if (!is)
        return Status::Ok();
      RETURN_IF_ERROR(GetObject(v, &features));
      RETURN_IF_ERROR(Field(features, "values", od::json_type::array, &v, &is));
      if (!is)
        return Status::Ok();
    }
    if (const error_code e = v.get_array().get(*values))
      return NotJson(e);
    *found = true;
    return Status::Ok();
  }

  // *is: whether `o` has `key` and its value (*v) is of type `want`.
  Status Field(od::object& o, const char* key, od::json_type want, od::value* v, bool* is) {
    *is = false;
    error_code e = o.find_field_unordered(key).get(*v);
    if (e == simdjson::NO_SUCH_FIELD)
      return Status::Ok();
    od::json_type t;
    if (e || (e = v->type().get(t)))
      return NotJson(e);
    *is = t == want;
    return Status::Ok();
  }

  Status GetObject(od::value& v, od::object* o) {
    if (const error_code e = v.get_object().get(*o))
      return NotJson(e);
    return Status::Ok();
  }

  // A row's values so far, and the first value's error: it waits until the row is counted, so a
  // wrong width is reported first.
  struct RowCount {
    std::size_t count = 0;
    bool failed = false;
    Status pending;  // set when failed
  };

  Status Values(od::array values, std::uint32_t number) {
    RETURN_IF_ERROR(sink_.BeginRow(number));
    RowCount row;
    for (auto element : values) {
      od::value v;
      if (const error_code e = std::move(element).get(v))
        return NotJson(e);
      if (!OneValue(v, false, row))
        return std::move(failure_);
    }
    return EndRow(row);
  }

  // Reads value row.count of the row; false with failure_ set on an error. In a flat top-level
  // row (`flat`) a value that may not be in one means an array of rows whose first is no row.
  // Per value: no Status is made unless it fails.
  bool OneValue(od::value& v, bool flat, RowCount& row) {
    if (!row.failed) {
      JsonValue value;
      if (!Read(v, &value))
        return false;
      if (flat && !FlatValue(value.kind))
        return Fail(NotARow(1));
      row.failed = !sink_.Value(row.count, value, &row.pending);
    }
    ++row.count;
    return true;
  }

  Status EndRow(RowCount& row) {
    RETURN_IF_ERROR(sink_.EndRow(row.count));
    return row.failed ? std::move(row.pending) : Status::Ok();
  }

  bool Fail(Status s) {
    failure_ = std::move(s);
    return false;
  }

  bool FlatValue(JsonKind kind) const {
    if (options_.flat_strings)
      return kind != JsonKind::kArray && kind != JsonKind::kObject;
    return kind == JsonKind::kNumber || kind == JsonKind::kNull;
  }

  // Reads one value; false with failure_ set on an error.
  bool Read(od::value& v, JsonValue* out) {
    error_code e;
    if (options_.numbers && v.get_double().get(out->number) == simdjson::SUCCESS) {
      out->kind = JsonKind::kNumber;  // the hot path of rows of floats: no token needed
      return true;
    }
    od::json_type t;
    if ((e = v.type().get(t)))
      return Fail(NotJson(e));
    const std::string_view token = TrimJsonSpace(v.raw_json_token());
    out->raw = ToBody(token);
    switch (t) {
      case od::json_type::number:
        out->kind = JsonKind::kNumber;
        if (options_.numbers) {
          if (v.get_double().get(out->number) != simdjson::SUCCESS) {
            if (!IsJsonNumber(token))
              return Fail(NotJson(simdjson::NUMBER_ERROR, token.data()));
            out->number = std::strtod(std::string(token).c_str(), nullptr);  // beyond double: ±inf
          }
        } else if (!IsJsonNumber(token)) {
          return Fail(NotJson(simdjson::NUMBER_ERROR, token.data()));
        }
        return true;
      case od::json_type::string:
        out->kind = JsonKind::kString;
        return ReadString(v, token, out);
      case od::json_type::boolean: {
        bool b = false;
        if ((e = v.get_bool().get(b)))
          return Fail(NotJson(e, token.data()));
        out->kind = b ? JsonKind::kTrue : JsonKind::kFalse;
        return true;
      }
      case od::json_type::null: {
        bool null = false;
        if ((e = v.is_null().get(null)) || !null)
          return Fail(NotJson(simdjson::N_ATOM_ERROR, token.data()));
        out->kind = JsonKind::kNull;
        return true;
      }
      case od::json_type::array:
      case od::json_type::object: {
        out->kind = t == od::json_type::array ? JsonKind::kArray : JsonKind::kObject;
        std::string_view text;
        if (t == od::json_type::array) {
          od::array a;
          e = v.get_array().get(a);
          if (!e)
            e = a.raw_json().get(text);
        } else {
          od::object o;
          e = v.get_object().get(o);
          if (!e)
            e = o.raw_json().get(text);
        }
        if (e)
          return Fail(NotJson(e));
        out->raw = ToBody(TrimJsonSpace(text));
        return true;
      }
    }
    return Fail(NotJson(simdjson::INCORRECT_TYPE, token.data()));
  }

  // A string's contents: a view into the body when it has no escape, else unescaped into scratch.
  bool ReadString(od::value& v, std::string_view token, JsonValue* out) {
    if (options_.scratch == nullptr)
      return true;
    const std::string_view inside = token.substr(1, token.size() - 2);  // stage 1 closed it
    const bool escaped = inside.find('\\') != std::string_view::npos;
    if (!escaped) {
      out->text = ToBody(inside);
      return true;
    }
    std::string_view unescaped;
    if (const error_code e = v.get_string().get(unescaped))
      return Fail(NotJson(e, token.data()));
    std::string& scratch = *options_.scratch;
    const std::size_t at = scratch.size();
    scratch.append(unescaped);  // never longer than its escaped text: within the reserved size
    out->text = std::string_view(scratch).substr(at);
    return true;
  }

  // A view into the copy as the same bytes of the body.
  std::string_view ToBody(std::string_view in_copy) const {
    return body_.substr(static_cast<std::size_t>(in_copy.data() - copy_), in_copy.size());
  }

  Status NotARow(std::uint32_t number) const {
    return Status::InvalidArgument(JsonPlace(options_.lines, number) +
                                   ": a row is a list of values or {\"features\": [values]}");
  }

  Status NotJson(error_code e) {
    const char* at = nullptr;
    if (doc_.current_location().get(at) != simdjson::SUCCESS)
      at = text_.data() + text_.size();
    return NotJson(Describe(e), at);
  }
  Status NotJson(error_code e, const char* at) { return NotJson(Describe(e), at); }

  // "<where> is not valid JSON: <what> at line L, column C" (JSON Lines: "at column C"); "at the
  // end" when `at` is past the text; no place when it is null (simdjson's first pass over the
  // whole text found the error).
  Status NotJson(const std::string& what, const char* at) const {
    std::string place = at == nullptr ? "" : " at the end";
    if (at != nullptr && at >= text_.data() && at < text_.data() + text_.size()) {
      const std::size_t offset = static_cast<std::size_t>(at - text_.data());
      std::size_t line = 1;
      std::size_t column = offset + 1;
      for (std::size_t i = 0; i < offset; ++i) {
        if (text_[i] == '\n') {
          ++line;
          column = offset - i;
        }
      }
      place = options_.lines
                  ? " at column " + std::to_string(column)
                  : " at line " + std::to_string(line) + ", column " + std::to_string(column);
    }
    return Status::InvalidArgument(where_ + " is not valid JSON: " + what + place);
  }

  std::string_view body_;
  const char* copy_;
  const JsonRowOptions& options_;
  JsonRowSink& sink_;
  std::string where_;
  std::string_view text_;  // the document being read, in the copy
  od::document doc_;
  Status failure_;  // what a per-value step that returned false found
};

}  // namespace

JsonRowReader::JsonRowReader() = default;
JsonRowReader::~JsonRowReader() = default;
JsonRowReader::JsonRowReader(JsonRowReader&&) noexcept = default;
JsonRowReader& JsonRowReader::operator=(JsonRowReader&&) noexcept = default;

Status JsonRowReader::ForEachRow(std::string_view body, const JsonRowOptions& options,
                                 JsonRowSink& sink) {
  if (state_ == nullptr)
    state_ = std::make_unique<State>();
  State& s = *state_;
  const char* copy = body.data();  // read in place when the caller's buffer has the padding
  const char* end = body.data() + body.size() + options.padding;
  last_copied_ = 0;
  if (options.padding < kPadding) {
    last_copied_ = body.size();
    const std::size_t need = body.size() + kPadding;
    if (s.copy_capacity < need) {
      s.copy = std::make_unique_for_overwrite<char[]>(need);
      s.copy_capacity = need;
    }
    std::memcpy(s.copy.get(), body.data(), body.size());
    std::memset(s.copy.get() + body.size(), ' ', kPadding);
    copy = s.copy.get();
    end = copy + need;
  }
  Walk walk(body, copy, options, sink);
  Status status;
  if (options.lines) {
    status = ForEachLine(body, [&](std::string_view line, std::size_t line_no, std::string where) {
      const std::string_view text(copy + (line.data() - body.data()), line.size());
      return walk.Document(s.parser, text, end, std::move(where),
                           static_cast<std::uint32_t>(line_no));
    });
  } else {
    status =
        walk.Document(s.parser, std::string_view(copy, body.size()), end, "the request body", 1);
  }
  if (s.copy_capacity > kKeepCapacity) {
    s.copy.reset();
    s.copy_capacity = 0;
  }
  if (s.parser.capacity() > kKeepCapacity)
    s.parser = od::parser();
  return status;
}

}  // namespace kiln::serve_internal
