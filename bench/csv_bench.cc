// csv_bench: CSV ingest speed and memory, Kiln's reader against pandas.read_csv, side by side.
//
// For each dataset: ReadTable (read the file + parse + type inference, warm cache, in-process) on 1
// thread and on all hardware threads, best of N by wall time and by CPU time (getrusage, all
// threads); pandas.read_csv(path, keep_default_na=False, na_values=[""], low_memory=False) best of
// N in a /usr/bin/python3 child (import time excluded); the peak RSS of a fresh child process that
// reads the file, above its baseline, as a multiple of the file size. Also checks that the 1-thread
// and all-thread tables are identical. Ends with one machine-readable line per dataset:
//   csv_ingest diabetes130us kiln_mbps=... pandas_mbps=... ratio=... peak_rss_x=...
// (kiln_mbps is all threads; ratio is kiln_mbps / pandas_mbps).
//
// usage: csv_bench [--data-dir DIR] [--datasets a,b] [--repeat N] [--pandas-repeat N]
//                  [--python PATH] [--no-pandas]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "table/read_options.h"
#include "table/table.h"
#include "table/table_reader.h"

namespace {

struct Options {
  std::string data_dir = std::string(KILN_SOURCE_DIR) + "/../shared/datasets";
  std::vector<std::string> datasets = {"diabetes130us", "adult"};
  int repeat = 7;
  int pandas_repeat = 3;
  std::string python = "/usr/bin/python3";
  bool pandas = true;
};

constexpr const char* kPandasScript = R"(import sys, time
import pandas as pd
path, n = sys.argv[1], int(sys.argv[2])
best_wall = best_cpu = float("inf")
for _ in range(n):
    w, c = time.perf_counter(), time.process_time()
    pd.read_csv(path, keep_default_na=False, na_values=[""], low_memory=False)
    best_wall = min(best_wall, time.perf_counter() - w)
    best_cpu = min(best_cpu, time.process_time() - c)
print(best_wall, best_cpu)
)";

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A "VmRSS:" / "VmHWM:" line of /proc/self/status, in bytes (0 when absent).
std::size_t ProcStatusBytes(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0)
      return std::strtoull(line.c_str() + std::strlen(key), nullptr, 10) * 1024;
  }
  return 0;
}

// Runs argv[0] with arguments and returns its stdout; false when it cannot start or fails.
bool RunCapture(const std::vector<std::string>& argv, std::string* out) {
  int fds[2];
  if (pipe(fds) != 0)
    return false;
  pid_t pid = fork();
  if (pid < 0)
    return false;
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  out->clear();
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0)
    out->append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct Timing {
  double wall = INFINITY;  // best wall seconds
  double cpu = INFINITY;   // best CPU seconds (user + system, all threads)
};

bool SameTable(const kiln::Table& a, const kiln::Table& b) {
  if (a.num_rows != b.num_rows || a.columns.size() != b.columns.size())
    return false;
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const kiln::Column& x = a.columns[c];
    const kiln::Column& y = b.columns[c];
    if (x.name != y.name || x.type != y.type || x.codes != y.codes || x.levels != y.levels ||
        x.missing != y.missing || x.distinct != y.distinct || x.is_id != y.is_id ||
        x.likely_id != y.likely_id || x.type_reason != y.type_reason ||
        x.values.size() != y.values.size()) {
      return false;
    }
    if (std::memcmp(x.values.data(), y.values.data(), x.values.size() * sizeof(double)) != 0)
      return false;
  }
  return true;
}

// Best of `repeat` ReadTable calls; false (with the error printed) when reading fails.
bool TimeKiln(const std::string& path, int threads, int repeat, Timing* t, kiln::Table* table) {
  kiln::ReadOptions options;
  options.num_threads = threads;
  for (int i = 0; i < repeat; ++i) {
    double w0 = WallSeconds(), c0 = CpuSeconds();
    kiln::Result<kiln::Table> r = kiln::ReadTable(path, options);
    double c1 = CpuSeconds(), w1 = WallSeconds();
    if (!r.ok()) {
      std::printf("  kiln failed: %s\n", r.error().ToString().c_str());
      return false;
    }
    t->wall = std::min(t->wall, w1 - w0);
    t->cpu = std::min(t->cpu, c1 - c0);
    if (i == repeat - 1)
      *table = std::move(r).value();
  }
  return true;
}

// Child mode: prints the peak RSS above this process's baseline while reading `path`.
int MeasureMemory(const std::string& path, int threads) {
  kiln::ReadOptions options;
  options.num_threads = threads;
  std::size_t baseline = ProcStatusBytes("VmRSS:");
  kiln::Result<kiln::Table> r = kiln::ReadTable(path, options);
  std::size_t peak = ProcStatusBytes("VmHWM:");
  if (!r.ok())
    return 1;
  std::printf("%zu\n", peak > baseline ? peak - baseline : 0);
  return 0;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) {
    if (!part.empty())
      parts.push_back(part);
  }
  return parts;
}

int Usage() {
  std::fprintf(stderr,
               "usage: csv_bench [--data-dir DIR] [--datasets a,b] [--repeat N] "
               "[--pandas-repeat N] [--python PATH] [--no-pandas]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--measure-memory" && i + 2 < argc) {
      std::string path = argv[i + 1];
      return MeasureMemory(path, std::atoi(argv[i + 2]));
    }
    const char* v = nullptr;
    if (a == "--no-pandas") {
      opt.pandas = false;
    } else if (a == "--data-dir" && (v = value())) {
      opt.data_dir = v;
    } else if (a == "--datasets" && (v = value())) {
      opt.datasets = Split(v, ',');
    } else if (a == "--repeat" && (v = value())) {
      opt.repeat = std::max(1, std::atoi(v));
    } else if (a == "--pandas-repeat" && (v = value())) {
      opt.pandas_repeat = std::max(1, std::atoi(v));
    } else if (a == "--python" && (v = value())) {
      opt.python = v;
    } else {
      return Usage();
    }
  }
  const int all_threads = std::max(1u, std::thread::hardware_concurrency());
  std::string loadavg;
  std::getline(std::ifstream("/proc/loadavg"), loadavg);
  std::printf(
      "CSV ingest: ReadTable (read + parse + type inference, warm cache) vs pandas.read_csv\n"
      "best of %d (kiln) / %d (pandas), wall and CPU ms; %d hardware threads; loadavg %s\n\n",
      opt.repeat, opt.pandas_repeat, all_threads, loadavg.c_str());
  std::printf("%-15s %6s | %17s %17s | %17s | %8s %8s %8s | %6s %6s | %6s %s\n", "dataset", "MB",
              "kiln 1t wall/cpu", "kiln all wall/cpu", "pandas wall/cpu", "1t MB/s", "all MB/s",
              "pd MB/s", "ratio", "cpu x", "rss x", "same");
  std::vector<std::string> summary;
  for (const std::string& name : opt.datasets) {
    std::string path = opt.data_dir + "/" + name + ".csv";
    std::ifstream probe(path, std::ios::binary | std::ios::ate);
    if (!probe) {
      std::printf("%-15s skipped (no %s)\n", name.c_str(), path.c_str());
      summary.push_back("csv_ingest " + name + " skipped");
      continue;
    }
    const double bytes = static_cast<double>(probe.tellg());
    const double mb = bytes / 1e6;
    Timing one, all, pandas;
    kiln::Table t1, tn;
    if (!TimeKiln(path, 1, 1, &one, &t1))  // warms the page cache
      continue;
    one = Timing{};
    if (!TimeKiln(path, 1, opt.repeat, &one, &t1) ||
        !TimeKiln(path, all_threads, opt.repeat, &all, &tn)) {
      continue;
    }
    bool same = SameTable(t1, tn);
    std::string out;
    double rss_x = NAN;
    if (RunCapture({"/proc/self/exe", "--measure-memory", path, std::to_string(all_threads)},
                   &out)) {
      rss_x = std::strtod(out.c_str(), nullptr) / bytes;
    }
    if (opt.pandas &&
        RunCapture({opt.python, "-c", kPandasScript, path, std::to_string(opt.pandas_repeat)},
                   &out)) {
      std::sscanf(out.c_str(), "%lf %lf", &pandas.wall, &pandas.cpu);
    }
    double kiln_1t_mbps = mb / one.wall, kiln_mbps = mb / all.wall, pandas_mbps = mb / pandas.wall;
    double ratio = kiln_mbps / pandas_mbps;
    double cpu_ratio = pandas.cpu / one.cpu;  // single-thread work ratio: robust to a busy machine
    std::printf(
        "%-15s %6.1f | %7.1f / %7.1f %7.1f / %7.1f | %7.1f / %7.1f | %8.0f %8.0f %8.1f | %6.2f "
        "%6.2f | %6.2f %s\n",
        name.c_str(), mb, one.wall * 1e3, one.cpu * 1e3, all.wall * 1e3, all.cpu * 1e3,
        pandas.wall * 1e3, pandas.cpu * 1e3, kiln_1t_mbps, kiln_mbps, pandas_mbps, ratio, cpu_ratio,
        rss_x, same ? "yes" : "NO");
    char line[256];
    std::snprintf(line, sizeof(line),
                  "csv_ingest %s kiln_mbps=%.1f pandas_mbps=%.1f ratio=%.2f peak_rss_x=%.2f",
                  name.c_str(), kiln_mbps, pandas_mbps, ratio, rss_x);
    summary.push_back(line);
  }
  std::printf(
      "\nratio = kiln all-thread MB/s / pandas MB/s (wall); cpu x = pandas CPU / kiln "
      "1-thread CPU; rss x = peak RSS above baseline / file size (all threads); same = "
      "1-thread and all-thread tables identical\n");
  for (const std::string& s : summary)
    std::printf("%s\n", s.c_str());
  return 0;
}
