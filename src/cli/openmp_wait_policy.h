// PreferPassiveOpenMpWaits: makes the fitting commands (automl, train) run libxgboost's OpenMP
// threads with OMP_WAIT_POLICY=PASSIVE unless the user chose a policy.
//
// Why: libgomp's default lets a thread that reaches a barrier spin for up to 300,000 iterations
// before it sleeps, and XGBoost's hist method meets a barrier per node and histogram. On a busy
// machine the spinning thread burns the time slice its partner needs to reach the barrier: on a
// 2-core machine at load 5, 40 boosting rounds on diabetes130us (81k rows) took 38-46 s wall and
// 23-28 s CPU by default and 9-11 s wall and 5 s CPU with passive waits. Idle machines lose almost
// nothing (a futex wake per barrier).
//
// libgomp reads the variable once, when it is loaded, before main runs, so the process re-executes
// itself (/proc/self/exe, same argv) with the variable set. Nothing happens when the variable is
// already set (which also ends the recursion), for other commands, or when exec fails (the run
// then goes on with the default policy).
#pragma once

namespace kiln {

// True when argv[1] is a command that fits models in this process (automl, train) and
// `current_policy` (the environment's OMP_WAIT_POLICY, or null) is unset.
bool ShouldPreferPassiveWaits(int argc, const char* const* argv, const char* current_policy);

// Sets OMP_WAIT_POLICY=PASSIVE and re-executes the process when ShouldPreferPassiveWaits holds;
// returns (without re-executing) otherwise or when exec fails.
void PreferPassiveOpenMpWaits(int argc, char** argv);

}  // namespace kiln
