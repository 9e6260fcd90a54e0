// PreferPassiveOpenMpWaits: see openmp_wait_policy.h.
#include "cli/openmp_wait_policy.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace kiln {

bool ShouldPreferPassiveWaits(int argc, const char* const* argv, const char* current_policy) {
  if (argc < 2 || argv[1] == nullptr || current_policy != nullptr)
    return false;
  const std::string_view command = argv[1];
  return command == "automl" || command == "train";
}

void PreferPassiveOpenMpWaits(int argc, char** argv) {
  if (!ShouldPreferPassiveWaits(argc, argv, std::getenv("OMP_WAIT_POLICY")))
    return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0)
    return;
  execv("/proc/self/exe", argv);
  // Only reached when exec failed: go on in this process, with libgomp's default policy.
}

}  // namespace kiln
