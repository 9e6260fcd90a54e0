// JsonRowReader: walks the rows of a JSON or JSON Lines request body with simdjson's On-Demand
// parser, without building a DOM or copying values, for both request parsers (request_payload.cc:
// rows of floats; request_fields.cc: rows of text fields). It knows the row shapes of docs/api.md
// and their messages ("instance 2: ...", "line 3 is not valid JSON: ..."); what a value becomes
// is the sink's.
//
// simdjson reads up to SIMDJSON_PADDING bytes past its input (their content does not change the
// parse). A body served inline by the HTTP server has that many readable bytes after it
// (http_message.h's kBufferedBodyPadding; JsonRowOptions::padding says so) and is read in place;
// any other body is copied into a padded buffer kept here first. Values handed to the sink are
// views into the caller's body (mapped back from the copy), or into the caller's scratch for
// strings with escapes.
//
// Thread-safety: a JsonRowReader belongs to one thread; it is reused across requests (a warmed-up
// request allocates nothing), keeping at most kKeepCapacity of buffers between requests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln::serve_internal {

enum class JsonKind : std::uint8_t { kNull, kNumber, kString, kTrue, kFalse, kArray, kObject };

// One value of a row.
struct JsonValue {
  JsonKind kind = JsonKind::kNull;
  // The value as sent, trailing blanks cut: a number's token ("1.0", "1e3"; not set when
  // JsonRowOptions::numbers decoded it), a string with its quotes and escapes, "true", an
  // array's or object's text. A view into the body.
  std::string_view raw;
  // kString when JsonRowOptions::scratch is set: the contents unescaped, a view into the body
  // (no escapes) or into *scratch.
  std::string_view text;
  // kNumber when JsonRowOptions::numbers is set: the value (±inf beyond double's range).
  double number = 0;
};

// What a row's values go to. Its errors end the walk and are returned as they are, a Value error
// after EndRow's (a wrong width is reported before a wrong value).
class JsonRowSink {
 public:
  virtual ~JsonRowSink() = default;
  // A row begins: instance `number` of a JSON body or line `number` of JSON Lines (JsonPlace).
  virtual Status BeginRow(std::uint32_t number) = 0;
  // Value `index` (from 0) of the row begun last: true, or false with *error set (the row's other
  // values are then counted, not read). A bool, not a Status, as it runs per value.
  virtual bool Value(std::size_t index, const JsonValue& value, Status* error) = 0;
  // The row begun last had `width` values.
  virtual Status EndRow(std::size_t width) = 0;
};

struct JsonRowOptions {
  bool lines = false;  // JSON Lines (one row per line) rather than one JSON document
  // Which top-level arrays of a JSON body are one row: false, those of numbers and nulls (rows of
  // floats); true, those of any values but arrays and objects (rows of text fields).
  bool flat_strings = false;
  bool numbers = false;  // decode JsonValue::number
  // Where strings with escapes are unescaped (its capacity must hold the body's size, so views
  // into it stay valid); null: JsonValue::text is not set.
  std::string* scratch = nullptr;
  // Readable bytes after the body in its buffer (their content is unspecified). With
  // SIMDJSON_PADDING of them the body is read in place; with fewer it is copied into a padded
  // buffer first.
  std::size_t padding = 0;
};

// "instance <number>" (a JSON body) or "line <number>" (JSON Lines).
std::string JsonPlace(bool lines, std::uint32_t number);

class JsonRowReader {
 public:
  // Buffers beyond this are released after a request.
  static constexpr std::size_t kKeepCapacity = 1u << 20;

  JsonRowReader();
  ~JsonRowReader();
  JsonRowReader(JsonRowReader&&) noexcept;
  JsonRowReader& operator=(JsonRowReader&&) noexcept;

  // Hands each row of `body` to `sink`: for a JSON body {"instances": [rows]}, one row
  // ({"features": [...]}, {"data": {"features": {"values": [...]}}} or a flat array, see
  // JsonRowOptions::flat_strings) or an array of rows; for JSON Lines one row per non-blank line.
  // A row is [values] or one of the two object forms. InvalidArgument "<the request body | line
  // N> is not valid JSON: <what> at <place>", or naming the shape expected; the sink's error as it
  // is. Does not check that there is a row.
  Status ForEachRow(std::string_view body, const JsonRowOptions& options, JsonRowSink& sink);

  // Bytes of the last body copied into the padded buffer: 0 when it was read in place.
  std::size_t last_copied() const { return last_copied_; }

 private:
  struct State;
  std::unique_ptr<State> state_;  // made on first use
  std::size_t last_copied_ = 0;
};

}  // namespace kiln::serve_internal
