#include "cli/automl_command.h"

#include <cstdio>

#include "automl/automl_report.h"
#include "automl/automl_runner.h"
#include "cli/command_util.h"
#include "common/file_util.h"
#include "table/table_reader.h"

namespace kiln {

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
