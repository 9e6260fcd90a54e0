// The files `kiln automl` writes beside model.kiln: leaderboard.csv, report.json and report.html.
// Pure rendering functions; thread-safe.
#pragma once

#include <string>

#include "automl/automl_options.h"
#include "automl/automl_runner.h"

namespace kiln {

// Where the data came from, for provenance.
struct DataProvenance {
  std::string path;
  std::string sha256;
  std::size_t bytes = 0;
  std::string command;  // the command line that ran
};

// rank,candidate,learner,hyperparameters,metric,cv_mean,cv_sd,train_seconds,predict_us_per_row
std::string RenderLeaderboardCsv(const AutoMLResult& result);
// The whole run as JSON (schema in docs/formats/automl-report.md).
std::string RenderReportJson(const AutoMLResult& result, const AutoMLOptions& options,
                             const DataProvenance& data);
// A self-contained HTML page (no network) for people.
std::string RenderReportHtml(const AutoMLResult& result, const AutoMLOptions& options,
                             const DataProvenance& data);
// The leaderboard as an aligned text table for the terminal (top `limit` rows).
std::string RenderLeaderboardText(const AutoMLResult& result, std::size_t limit);
// "eta=0.05 max_depth=6 ...".
std::string FormatHyperParams(const HyperParams& hp);

}  // namespace kiln
