// ParallelFor: runs task(0..n-1) on up to `num_threads` threads (the caller's thread included) and
// returns when all are done. Tasks are handed out one at a time from a shared counter, so uneven
// chunks balance. Threads are std::jthread, joined before returning; none outlive the call.
#pragma once

#include <cstddef>
#include <functional>

namespace kiln::table_internal {

void ParallelFor(std::size_t num_tasks, int num_threads,
                 const std::function<void(std::size_t)>& task);

// ReadOptions::num_threads resolved: 0 means one per hardware thread (at least 1).
int ResolveThreadCount(int requested);

}  // namespace kiln::table_internal
