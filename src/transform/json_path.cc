#include "transform/json_path.h"

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace kiln {
namespace {

using json = nlohmann::ordered_json;

class PathParser {
 public:
  PathParser(std::string_view field, std::string_view text) : field_(field), text_(text) {}

  Status Error(const std::string& what) const {
    return Status::InvalidArgument(std::string(field_) + " \"" + std::string(text_) +
                                   "\": " + what + " at character " + std::to_string(pos_ + 1) +
                                   " (Kiln supports $, .name, ['name',...], [i,...], [a:b], [*])");
  }

  Result<std::vector<JsonPath::Step>> Run() {
    std::vector<JsonPath::Step> steps;
    SkipSpaces();
    if (!Eat('$'))
      return Error("a path starts with $");
    while (true) {
      SkipSpaces();
      if (pos_ >= text_.size())
        return steps;
      if (Eat('.')) {
        JsonPath::Step step;
        if (Eat('*')) {
          step.kind = JsonPath::Step::Kind::kWildcard;
        } else {
          const std::size_t start = pos_;
          while (pos_ < text_.size() &&
                 (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 ||
                  text_[pos_] == '_' || text_[pos_] == '-'))
            ++pos_;
          if (pos_ == start)
            return Error("a member name must follow '.'");
          step.kind = JsonPath::Step::Kind::kMembers;
          step.names.emplace_back(text_.substr(start, pos_ - start));
        }
        steps.push_back(std::move(step));
        continue;
      }
      if (Eat('[')) {
        ASSIGN_OR_RETURN(JsonPath::Step step, Bracket());
        steps.push_back(std::move(step));
        continue;
      }
      return Error(std::string("unexpected '") + text_[pos_] + "'");
    }
  }

 private:
  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ')
      ++pos_;
  }
  bool Eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool AtInteger() const {
    return pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '-');
  }
  Result<std::int64_t> Integer() {
    std::int64_t v = 0;
    const char* begin = text_.data() + pos_;
    const auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), v);
    if (ec != std::errc() || end == begin)
      return Error("expected an integer");
    pos_ += static_cast<std::size_t>(end - begin);
    return v;
  }
  Result<std::string> Quoted() {
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote)
      out += text_[pos_++];
    if (!Eat(quote))
      return Error("an unterminated quoted name");
    return out;
  }

  // After '[': a wildcard, quoted names, indices or a slice, then ']'.
  Result<JsonPath::Step> Bracket() {
    JsonPath::Step step;
    step.bracketed = true;
    SkipSpaces();
    if (Eat('*')) {
      step.kind = JsonPath::Step::Kind::kWildcard;
    } else if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"')) {
      step.kind = JsonPath::Step::Kind::kMembers;
      while (true) {
        SkipSpaces();
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
          return Error("expected a quoted member name");
        ASSIGN_OR_RETURN(std::string name, Quoted());
        step.names.push_back(std::move(name));
        SkipSpaces();
        if (!Eat(','))
          break;
      }
    } else {
      std::optional<std::int64_t> first;
      if (AtInteger()) {
        ASSIGN_OR_RETURN(std::int64_t v, Integer());
        first = v;
      }
      SkipSpaces();
      if (Eat(':')) {
        step.kind = JsonPath::Step::Kind::kSlice;
        step.start = first;
        SkipSpaces();
        if (AtInteger()) {
          ASSIGN_OR_RETURN(std::int64_t v, Integer());
          step.end = v;
        }
      } else {
        if (!first.has_value())
          return Error("expected *, a quoted name, an index or a slice inside [ ]");
        step.kind = JsonPath::Step::Kind::kIndices;
        step.indices.push_back(*first);
        while (true) {
          SkipSpaces();
          if (!Eat(','))
            break;
          SkipSpaces();
          ASSIGN_OR_RETURN(std::int64_t v, Integer());
          step.indices.push_back(v);
        }
      }
    }
    SkipSpaces();
    if (!Eat(']'))
      return Error("expected ']'");
    return step;
  }

  std::string_view field_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

// The positions a slice keeps in a sequence of `n`, Python's rules.
std::vector<std::size_t> SliceIndices(const JsonPath::Step& step, std::size_t n) {
  const auto size = static_cast<std::int64_t>(n);
  auto clamp = [&](std::optional<std::int64_t> v, std::int64_t fallback) {
    if (!v.has_value())
      return fallback;
    std::int64_t x = *v < 0 ? *v + size : *v;
    return std::max<std::int64_t>(0, std::min(x, size));
  };
  const std::int64_t begin = clamp(step.start, 0);
  const std::int64_t end = clamp(step.end, size);
  std::vector<std::size_t> out;
  for (std::int64_t i = begin; i < end; ++i)
    out.push_back(static_cast<std::size_t>(i));
  return out;
}

}  // namespace

Result<JsonPath> JsonPath::Parse(std::string_view field, std::string_view text) {
  JsonPath path;
  path.field_ = std::string(field);
  path.text_ = text.empty() ? "$" : std::string(text);
  PathParser parser(field, path.text_);
  ASSIGN_OR_RETURN(path.steps_, parser.Run());
  return path;
}

bool JsonPath::SelectsColumns() const {
  if (steps_.empty())
    return true;
  if (steps_.size() > 1)
    return false;
  return steps_[0].kind != Step::Kind::kMembers;
}

Result<std::vector<std::size_t>> JsonPath::SelectColumns(std::size_t columns) const {
  std::vector<std::size_t> out;
  if (steps_.empty() || steps_[0].kind == Step::Kind::kWildcard) {
    for (std::size_t i = 0; i < columns; ++i)
      out.push_back(i);
    return out;
  }
  const Step& step = steps_[0];
  if (step.kind == Step::Kind::kSlice)
    return SliceIndices(step, columns);
  for (std::int64_t i : step.indices) {
    const std::int64_t at = i < 0 ? i + static_cast<std::int64_t>(columns) : i;
    if (at < 0 || at >= static_cast<std::int64_t>(columns)) {
      return Status::InvalidArgument(field_ + " \"" + text_ + "\": index " + std::to_string(i) +
                                     " is outside the record's " + std::to_string(columns) +
                                     (columns == 1 ? " column" : " columns"));
    }
    out.push_back(static_cast<std::size_t>(at));
  }
  return out;
}

Result<json> JsonPath::Apply(const json& record) const {
  std::vector<const json*> nodes{&record};
  bool multi = false;
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument(field_ + " \"" + text_ + "\": " + what);
  };
  std::optional<json> picked;  // a ['a','b'] last step builds an object
  for (std::size_t s = 0; s < steps_.size(); ++s) {
    const Step& step = steps_[s];
    std::vector<const json*> next;
    for (const json* node : nodes) {
      switch (step.kind) {
        case Step::Kind::kWildcard:
          if (!node->is_array() && !node->is_object())
            return fail("* needs a list or an object, the record has " + node->dump());
          for (const json& v : *node)
            next.push_back(&v);
          break;
        case Step::Kind::kMembers: {
          if (!node->is_object()) {
            return fail("member \"" + step.names[0] + "\" needs an object, the record has " +
                        (node->is_array() ? "a list" : node->dump()));
          }
          const bool last = s + 1 == steps_.size();
          if (step.names.size() > 1 && last && !multi) {
            json obj = json::object();
            for (const std::string& name : step.names) {
              if (auto it = node->find(name); it != node->end())
                obj[name] = *it;
            }
            picked = std::move(obj);
            break;
          }
          for (const std::string& name : step.names) {
            auto it = node->find(name);
            if (it == node->end())
              return fail("the record has no member \"" + name + "\"");
            next.push_back(&*it);
          }
          break;
        }
        case Step::Kind::kIndices:
        case Step::Kind::kSlice: {
          if (!node->is_array())
            return fail("an index needs a list, the record has " + node->dump());
          const std::size_t n = node->size();
          if (step.kind == Step::Kind::kSlice) {
            for (std::size_t i : SliceIndices(step, n))
              next.push_back(&(*node)[i]);
            break;
          }
          for (std::int64_t i : step.indices) {
            const std::int64_t at = i < 0 ? i + static_cast<std::int64_t>(n) : i;
            if (at < 0 || at >= static_cast<std::int64_t>(n)) {
              return fail("index " + std::to_string(i) + " is outside the record's list of " +
                          std::to_string(n));
            }
            next.push_back(&(*node)[static_cast<std::size_t>(at)]);
          }
          break;
        }
      }
    }
    if (picked.has_value())
      return std::move(*picked);
    if (step.kind == Step::Kind::kWildcard || step.kind == Step::Kind::kSlice ||
        step.indices.size() > 1 || step.names.size() > 1)
      multi = true;
    nodes = std::move(next);
  }
  if (!multi)
    return *nodes[0];
  json out = json::array();
  for (const json* n : nodes)
    out.push_back(*n);
  return out;
}

}  // namespace kiln
