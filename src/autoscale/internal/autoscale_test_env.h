// AutoscaleEnv: what the autoscale tests share — a metadata database in a fresh temporary
// directory (reopenable, to test restarts), a ManualClock and a FakeCapacityTarget with endpoint
// "ep" / variant "v1". Owned by one test.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "autoscale/internal/fake_capacity_target.h"
#include "common/clock.h"
#include "common/digest.h"
#include "meta/database.h"

namespace kiln::autoscale_testing {

inline constexpr char kResource[] = "endpoint/ep/variant/v1";

class AutoscaleEnv {
 public:
  AutoscaleEnv()
      : dir_(std::filesystem::temp_directory_path() /
             ("kiln-autoscale-" + HexEncode(RandomBytes(8)))),
        clock_(std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000))) {
    std::filesystem::create_directories(dir_);
    target_.Add("ep", "v1", 1);
    Reopen();
  }
  ~AutoscaleEnv() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Closes and opens the database file again (a restart).
  void Reopen() {
    db_.reset();
    auto db = Database::Open((dir_ / "kiln.db").string());
    if (!db.ok())
      throw std::runtime_error(db.error().ToString());
    db_ = std::move(*db);
  }
  Database& db() { return *db_; }
  ManualClock& clock() { return clock_; }
  FakeCapacityTarget& target() { return target_; }

 private:
  std::filesystem::path dir_;
  ManualClock clock_;
  FakeCapacityTarget target_;
  std::unique_ptr<Database> db_;
};

}  // namespace kiln::autoscale_testing
