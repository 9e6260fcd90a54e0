// ParallelFor: runs independent tasks on a few short-lived threads. Callers give each task a
// fixed slice of the work and reduce per-task results in task order, so results do not depend on
// the thread count. Private to learn/unsupervised.
//
// Thread-safety: blocks until every task is done; `fn` must be safe to call concurrently for
// different tasks.
#pragma once

#include <cstddef>
#include <functional>

namespace kiln::unsupervised_internal {

// Calls fn(task) for every task in [0, num_tasks) on up to num_threads threads, the caller's
// among them; threads are joined before returning.
void ParallelFor(std::size_t num_tasks, int num_threads,
                 const std::function<void(std::size_t task)>& fn);

}  // namespace kiln::unsupervised_internal
