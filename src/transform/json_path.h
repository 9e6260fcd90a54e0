// JsonPath: the JSONPath subset SageMaker batch transform documents for DataProcessing's
// InputFilter and OutputFilter ("Supported JSONPath operators"):
//
//   $                 the whole record
//   .name  ['name']   a member of an object
//   ['a','b']         several members: an object holding just those (or a list, mid-path)
//   [i]  [i,j,...]    elements of an array (negative counts from the end: [-1] is the last)
//   [a:b]  [a:]  [:b] a slice of an array (Python's rules, negative bounds allowed)
//   [*]  .*           every element or member
//
// A CSV record is an array of its columns, so on CSV only `$` followed by at most one index, slice
// or `[*]` step applies (SelectColumns); JSON records take any path (Apply). Errors say which
// filter, what failed and where: `InputFilter "$[5]": index 5 is outside the record's 3 columns`.
// Thread-safety: immutable after Parse; use from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kiln {

class JsonPath {
 public:
  struct Step {
    enum class Kind { kMembers, kIndices, kSlice, kWildcard };
    Kind kind = Kind::kWildcard;
    std::vector<std::string> names;     // kMembers
    std::vector<std::int64_t> indices;  // kIndices
    std::optional<std::int64_t> start;  // kSlice
    std::optional<std::int64_t> end;    // kSlice
    bool bracketed = false;             // written as ['a'] rather than .a
  };

  // Parses `text` (empty means `$`). `field` names the filter in errors ("InputFilter").
  // InvalidArgument saying what is wrong and where.
  static Result<JsonPath> Parse(std::string_view field, std::string_view text);

  // True for `$` alone (the filter changes nothing).
  bool IsRoot() const { return steps_.empty(); }
  // True when the path can select columns of a CSV record (see the header comment).
  bool SelectsColumns() const;
  const std::string& text() const { return text_; }

  // The columns of a record of `columns` columns the path keeps, in order. REQUIRES
  // SelectsColumns(). InvalidArgument when an index is outside the record.
  Result<std::vector<std::size_t>> SelectColumns(std::size_t columns) const;

  // The part of `record` the path selects. InvalidArgument when a member or index is missing or
  // a step does not fit the value (an index into an object, ...).
  Result<nlohmann::ordered_json> Apply(const nlohmann::ordered_json& record) const;

 private:
  std::string field_;
  std::string text_;
  std::vector<Step> steps_;
};

}  // namespace kiln
