#include "automl/problem_type.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace kiln {
namespace {

constexpr std::size_t kMaxMulticlassIntegers = 20;
constexpr std::size_t kMaxClasses = 1000;

bool ParseNumber(const std::string& s, double* out) {
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+')
    ++b;
  auto r = std::from_chars(b, e, *out);
  return r.ec == std::errc() && r.ptr == e && std::isfinite(*out);
}

std::string Preview(const std::vector<std::string>& levels) {
  std::string s;
  for (std::size_t i = 0; i < levels.size() && i < 5; ++i)
    s += (i ? ", " : "") + levels[i];
  if (levels.size() > 5)
    s += ", ...";
  return s;
}

}  // namespace

Result<ProblemType> InferProblemType(const Column& target, std::optional<Task> forced) {
  const std::size_t distinct = target.levels.size();
  const bool numeric = IsNumberLike(target.type) && target.type != ColumnType::kBoolean;
  if (distinct == 0) {
    return Status::InvalidArgument("target column \"" + target.name +
                                   "\" has no values (every row is missing)");
  }
  if (forced.has_value()) {
    ProblemType p{*forced, std::string("given by --problem-type ") + TaskName(*forced)};
    if (*forced == Task::kRegression && !numeric) {
      return Status::InvalidArgument("target column \"" + target.name + "\" is " +
                                     ColumnTypeName(target.type) +
                                     ", not numeric: it cannot be a regression target");
    }
    if (*forced != Task::kRegression && distinct < 2) {
      return Status::InvalidArgument("target column \"" + target.name +
                                     "\" has a single class (\"" + target.levels[0] +
                                     "\"); classification needs at least two");
    }
    if (*forced == Task::kBinary && distinct != 2) {
      return Status::InvalidArgument("target column \"" + target.name + "\" has " +
                                     std::to_string(distinct) +
                                     " distinct values; binary classification needs exactly two");
    }
    return p;
  }
  if (distinct < 2) {
    return Status::InvalidArgument("target column \"" + target.name + "\" has a single value (\"" +
                                   target.levels[0] + "\"); there is nothing to predict");
  }
  if (distinct == 2) {
    return ProblemType{Task::kBinary, "2 distinct values (" + Preview(target.levels) + "): binary"};
  }
  if (!numeric) {
    if (distinct > kMaxClasses) {
      return Status::InvalidArgument("target column \"" + target.name + "\" is " +
                                     ColumnTypeName(target.type) + " with " +
                                     std::to_string(distinct) + " distinct values; at most " +
                                     std::to_string(kMaxClasses) + " classes are supported");
    }
    return ProblemType{Task::kMulticlass, std::string(ColumnTypeName(target.type)) +
                                              " target with " + std::to_string(distinct) +
                                              " distinct values: multiclass"};
  }
  if (target.type == ColumnType::kInteger && distinct <= kMaxMulticlassIntegers) {
    return ProblemType{Task::kMulticlass,
                       "integer target with " + std::to_string(distinct) +
                           " distinct values (at most 20): multiclass; pass --problem-type "
                           "regression to treat it as a quantity"};
  }
  std::string kind = target.type == ColumnType::kInteger ? "integer" : "numeric";
  std::string more = target.type == ColumnType::kInteger ? " (more than 20)" : "";
  return ProblemType{Task::kRegression, kind + " target with " + std::to_string(distinct) +
                                            " distinct values" + more + ": regression"};
}

EncodedTarget EncodeTarget(const Column& target, Task task) {
  EncodedTarget out;
  const std::size_t rows = target.codes.size();
  out.y.assign(rows, std::nanf(""));
  if (task == Task::kRegression) {
    for (std::size_t r = 0; r < rows; ++r)
      out.y[r] = static_cast<float>(target.values[r]);
    return out;
  }
  std::vector<double> as_number(target.levels.size());
  bool all_numbers = true;
  for (std::size_t i = 0; i < target.levels.size(); ++i) {
    all_numbers = all_numbers && ParseNumber(target.levels[i], &as_number[i]);
  }
  std::vector<int> order(target.levels.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (all_numbers && as_number[a] != as_number[b])
      return as_number[a] < as_number[b];
    return target.levels[a] < target.levels[b];
  });
  std::vector<int> rank(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = static_cast<int>(i);
    out.class_labels.push_back(target.levels[order[i]]);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    int code = target.codes[r];
    if (code >= 0)
      out.y[r] = static_cast<float>(rank[code]);
  }
  return out;
}

}  // namespace kiln
