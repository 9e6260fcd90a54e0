// PrefaultPages: asks the kernel to map every whole page of fresh memory that is about to be
// written, in one call (MADV_POPULATE_WRITE, Linux 5.14+), instead of taking a page fault per
// 4 KiB page on first touch: for the megabytes of a file buffer or a table column the faults cost
// more than the writes. Only a hint: where it is not supported the pages fault in as usual.
// Thread-safe.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace kiln::table_internal {

inline void PrefaultPages(void* data, std::size_t bytes) {
#if defined(MADV_POPULATE_WRITE)
  const auto page = static_cast<std::uintptr_t>(4096);
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(page - 1);
  if (end > begin)
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace kiln::table_internal
