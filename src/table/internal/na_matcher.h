// NaMatcher: decides whether a cell is missing. The empty cell always is; other spellings only when
// the caller lists them in ReadOptions::na_values ("NA", "None" and "?" are real values by
// default). Immutable after construction; safe to share between parser threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln::table_internal {

class NaMatcher {
 public:
  explicit NaMatcher(const std::vector<std::string>& na_values) {
    for (const std::string& v : na_values) {
      if (v.empty())
        continue;
      values_.push_back(v);
      if (v.size() < 64)
        length_mask_ |= 1ULL << v.size();
      else
        length_mask_ |= 1ULL << 63;
    }
  }

  // Whether only the empty cell is missing.
  bool OnlyEmpty() const { return values_.empty(); }

  bool IsMissing(std::string_view cell) const {
    if (cell.empty())
      return true;
    if (values_.empty())
      return false;
    std::size_t bit = cell.size() < 64 ? cell.size() : 63;
    if ((length_mask_ & (1ULL << bit)) == 0)
      return false;
    for (const std::string& v : values_) {
      if (cell == v)
        return true;
    }
    return false;
  }

 private:
  std::vector<std::string> values_;
  unsigned long long length_mask_ = 0;  // bit n set: some na value has n bytes (63: 63 or more)
};

}  // namespace kiln::table_internal
