// What the two request parsers share (request_payload.cc: rows of floats; request_fields.cc: rows
// of text fields): splitting a body into lines, JSON documents and the row shapes they come in,
// and the messages for a wrong width or no rows. Pure functions; thread-safe. Private to
// src/serve.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln::serve_internal {

// ` ` and `\t` cut from both ends.
std::string_view TrimBlanks(std::string_view s);

// Shows a field in a message: quoted, cut after 40 characters.
std::string Shown(std::string_view field);

// `where: 3 values, the model takes 4 features (send the features only: no label, no header)`.
Status RowWidthError(const std::string& where, std::size_t got, std::size_t want);
Status NoRows();

// Calls `row(line, line_no, where)` for each line of `body` that is not blank (lines end in "\n"
// or "\r\n"; `line_no` counts from 1, `where` is "line <line_no>"), until one returns an error.
template <typename RowFn>
Status ForEachLine(std::string_view body, RowFn&& row) {
  std::size_t line_no = 0;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (TrimBlanks(line).empty())
      continue;
    RETURN_IF_ERROR(row(line, line_no, "line " + std::to_string(line_no)));
  }
  return Status::Ok();
}

// Parses `text`; InvalidArgument "<where> is not valid JSON: ..." otherwise.
Result<nlohmann::json> ParseJson(std::string_view text, const std::string& where);

// The array of values in one JSON row ([...], {"features": [...]} or SageMaker's
// {"data": {"features": {"values": [...]}}}), or null when `row` has none of those forms.
const nlohmann::json* RowValues(const nlohmann::json& row);

// Calls row(*RowValues(r), "instance <i>") for each row of a JSON body's document:
// {"instances": [rows]}, one row ({"features": [...]} or a flat array, which `is_flat` decides),
// or an array of rows. InvalidArgument for another shape or a row of no known form; the error of
// `row` as it is. Does not check that there is a row.
template <typename IsFlat, typename RowFn>
Status ForEachJsonRow(const nlohmann::json& doc, IsFlat&& is_flat, RowFn&& row) {
  const auto one = [&](const nlohmann::json& r, const std::string& where) -> Status {
    const nlohmann::json* values = RowValues(r);
    if (values == nullptr) {
      return Status::InvalidArgument(where +
                                     ": a row is a list of values or {\"features\": [values]}");
    }
    return row(*values, where);
  };
  const nlohmann::json* instances = nullptr;
  if (doc.is_object()) {
    if (auto it = doc.find("instances"); it != doc.end()) {
      if (!it->is_array())
        return Status::InvalidArgument("\"instances\" must be a list of rows");
      instances = &*it;
    } else if (RowValues(doc) != nullptr) {
      return one(doc, "instance 1");
    }
  } else if (doc.is_array()) {
    if (is_flat(doc))
      return one(doc, "instance 1");
    instances = &doc;
  }
  if (instances == nullptr) {
    return Status::InvalidArgument(
        "the JSON body needs \"instances\" (a list of rows) or \"features\" (one row)");
  }
  for (std::size_t i = 0; i < instances->size(); ++i)
    RETURN_IF_ERROR(one((*instances)[i], "instance " + std::to_string(i + 1)));
  return Status::Ok();
}

}  // namespace kiln::serve_internal
