#include "table/internal/column_setup.h"

#include <cctype>

namespace kiln::table_internal {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::vector<std::string> NameTokens(std::string_view name) {
  std::vector<std::string> tokens;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty())
      tokens.push_back(std::move(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!IsLower(c) && !IsUpper(c) && !IsDigit(c)) {
      flush();
      continue;
    }
    if (IsUpper(c) && !cur.empty()) {
      char prev = name[i - 1];
      bool next_lower = i + 1 < name.size() && IsLower(name[i + 1]);
      // "typeId" splits before I; "IDNumber" splits before N (upper followed by lower).
      if (IsLower(prev) || IsDigit(prev) || (IsUpper(prev) && next_lower))
        flush();
    }
    cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  flush();
  return tokens;
}

std::vector<ColumnSetup> MakeColumnSetups(const std::vector<std::string>& names,
                                          const ReadOptions& options) {
  std::vector<ColumnSetup> setups(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    ColumnSetup& s = setups[i];
    s.name = names[i];
    for (const ColumnSchema& cs : options.schema) {
      if (cs.name == s.name) {
        s.forced = true;
        s.forced_type = cs.type;
      }
    }
    for (const std::string& d : options.dictionary_columns) {
      if (d == s.name)
        s.dictionary = true;
    }
    std::vector<std::string> tokens = NameTokens(s.name);
    if (!tokens.empty()) {
      const std::string& last = tokens.back();
      s.code_like_name = last == "id" || last == "code";
    }
    for (const std::string& t : tokens) {
      if (t == "id" || t == "ids" || t == "nbr" || t == "num" || t == "number" || t == "no" ||
          t == "key" || t == "code" || t == "uuid" || t == "guid") {
        s.key_like_name = true;
      }
    }
  }
  return setups;
}

}  // namespace kiln::table_internal
