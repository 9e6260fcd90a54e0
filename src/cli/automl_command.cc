#include "cli/automl_command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "automl/automl_report.h"
#include "automl/automl_runner.h"
#include "automl/row_subset.h"
#include "cli/command_util.h"
#include "common/file_util.h"
#include "explain/explanation.h"
#include "table/table_reader.h"

namespace kiln {
namespace {

using Clock = std::chrono::steady_clock;

// Mean |SHAP| per input column of the final ensemble over an evenly spaced sample of training rows.
// The sample grows from 2 rows while the time left allows (at most 15% of it, 400 rows), so
// the report never pushes the run past its time limit. Empty when the model cannot explain itself.
std::vector<std::pair<std::string, double>> FeatureImportance(const KilnModel& model,
                                                              const Table& table,
                                                              double seconds_left) {
  std::vector<std::pair<std::string, double>> out;
  std::size_t n = std::min<std::size_t>(2, table.num_rows);
  auto t0 = Clock::now();
  Result<Explanation> e = Status::Internal("not run");
  while (true) {
    std::vector<std::size_t> rows(n);
    for (std::size_t i = 0; i < n; ++i)
      rows[i] = i * table.num_rows / n;
    auto t1 = Clock::now();
    e = ExplainModel(model, SelectTableRows(table, rows));
    if (!e.has_value())
      return out;
    double took = std::chrono::duration<double>(Clock::now() - t1).count();
    double spent = std::chrono::duration<double>(Clock::now() - t0).count();
    std::size_t next = std::min<std::size_t>({n * 4, 400, table.num_rows});
    if (next == n || took * 4 * 1.5 > 0.15 * seconds_left - spent)
      break;
    n = next;
  }
  const Explanation& x = *e;
  const std::size_t cols = x.columns.size() - 1;  // without the bias
  std::vector<double> sum(cols, 0.0);
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (int o = 0; o < x.outputs; ++o) {
      for (std::size_t c = 0; c < cols; ++c)
        sum[c] += std::abs(x.at(r, o, c));
    }
  }
  for (std::size_t c = 0; c < cols; ++c)
    out.emplace_back(x.columns[c], sum[c] / x.rows);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace

Status RunAutomlCommand(const AutomlCommandArgs& args) {
  RETURN_IF_ERROR(args.options.Validate());
  RETURN_IF_ERROR(CheckOutputDir(args.out_dir, args.overwrite));
  DataProvenance data;
  data.path = args.train_path;
  data.command = args.command_line;
  ASSIGN_OR_RETURN(data.sha256, Sha256File(args.train_path, &data.bytes));

  ReadOptions read;
  read.dictionary_columns = {args.options.target};
  ASSIGN_OR_RETURN(Table table, ReadTable(args.train_path, read));
  std::printf("read %s: %zu rows, %zu columns\n", args.train_path.c_str(), table.num_rows,
              table.columns.size());
  int t = table.Find(args.options.target);
  if (t >= 0) {
    ASSIGN_OR_RETURN(ProblemType p, InferProblemType(table.columns[t], args.options.problem_type));
    std::printf("problem type: %s (%s)\n", TaskName(p.task), p.reason.c_str());
  }
  std::fflush(stdout);

  Progress progress(stdout, StdoutIsTerminal());
  ASSIGN_OR_RETURN(AutoMLResult result, RunAutoML(table, args.options, &progress));
  progress.Finish();
  double left = args.options.time_limit_seconds -
                std::chrono::duration<double>(Clock::now() - args.options.start).count();
  result.feature_importance = FeatureImportance(result.model, table, left);

  RETURN_IF_ERROR(PrepareOutputDir(args.out_dir, args.overwrite));
  const std::string report_json = RenderReportJson(result, args.options, data);
  result.model.info_json = report_json;
  RETURN_IF_ERROR(result.model.Save(args.out_dir + "/model.kiln"));
  RETURN_IF_ERROR(WriteFileAtomic(args.out_dir + "/leaderboard.csv", RenderLeaderboardCsv(result)));
  RETURN_IF_ERROR(WriteFileAtomic(args.out_dir + "/report.json", report_json));
  RETURN_IF_ERROR(
      WriteFileAtomic(args.out_dir + "/report.html", RenderReportHtml(result, args.options, data)));

  std::printf("\nmetric: %s; %d-fold cross-validation; %zu candidates (%s)\n",
              MetricName(result.metric), result.folds, result.leaderboard.size(),
              result.stop_reason.c_str());
  std::printf("%s", RenderLeaderboardText(result, 10).c_str());
  auto it = result.ensemble_scores.find(MetricName(result.metric));
  std::printf("\nensemble of %zu member(s): out-of-fold %s %.5f\n", result.model.members.size(),
              MetricName(result.metric), it == result.ensemble_scores.end() ? 0.0 : it->second);
  std::printf("model:       %s/model.kiln\n", args.out_dir.c_str());
  std::printf("leaderboard: %s/leaderboard.csv\n", args.out_dir.c_str());
  std::printf("report:      %s/report.html (and report.json)\n", args.out_dir.c_str());
  return Status::Ok();
}

}  // namespace kiln
