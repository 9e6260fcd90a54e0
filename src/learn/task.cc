#include "learn/task.h"

#include <string>

namespace kiln {

const char* TaskName(Task task) {
  switch (task) {
    case Task::kBinary:
      return "binary";
    case Task::kMulticlass:
      return "multiclass";
    case Task::kRegression:
      return "regression";
  }
  return "unknown";
}

Result<Task> ParseTask(std::string_view name) {
  for (Task t : {Task::kBinary, Task::kMulticlass, Task::kRegression}) {
    if (name == TaskName(t))
      return t;
  }
  return Status::InvalidArgument("unknown problem type \"" + std::string(name) +
                                 "\"; expected binary, multiclass or regression");
}

}  // namespace kiln
