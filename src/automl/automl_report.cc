#include "automl/automl_report.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "automl/report_charts.h"
#include "common/csv_field.h"
#include "common/markup_escape.h"
#include "common/number_format.h"

namespace kiln {
namespace {

using nlohmann::json;

json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string Fixed(double v, int digits) {
  if (!std::isfinite(v))
    return "nan";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string CsvField(const std::string& s) {
  std::string out;
  AppendCsvField(s, &out);
  return out;
}

std::string ModelInfo(const CandidateSummary& c) {
  auto it = c.info.find("best_iteration");
  if (it == c.info.end())
    return "";
  return " (rounds " + std::to_string(std::stoi(it->second) + 1) + ")";
}

}  // namespace

std::string FormatHyperParams(const HyperParams& hp) {
  std::string s;
  for (const auto& [k, v] : hp)
    s += (s.empty() ? "" : " ") + k + "=" + v;
  return s;
}

std::string RenderLeaderboardCsv(const AutoMLResult& r) {
  std::string out =
      "rank,candidate,learner,hyperparameters,metric,cv_mean,cv_sd,cv_repeats,train_seconds,"
      "predict_us_per_row,ensemble_weight,error\n";
  int rank = 0;
  for (const CandidateSummary& c : r.leaderboard) {
    bool ok = c.error.empty();
    out += (ok ? std::to_string(++rank) : std::string()) + "," + c.id + "," + c.algorithm + "," +
           CsvField(FormatHyperParams(c.hyperparameters)) + "," + MetricName(r.metric) + "," +
           (ok ? FormatShortest(c.cv_mean) : "") + "," + (ok ? FormatShortest(c.cv_sd) : "") + "," +
           std::to_string(c.cv_repeats) + "," + Fixed(c.train_seconds, 3) + "," +
           Fixed(c.predict_us_per_row, 3) + "," + FormatShortest(c.ensemble_weight) + "," +
           CsvField(c.error) + "\n";
  }
  return out;
}

std::string RenderReportJson(const AutoMLResult& r, const AutoMLOptions& o,
                             const DataProvenance& data) {
  json j;
  j["kiln_version"] = KILN_VERSION;
  j["target"] = o.target;
  j["problem_type"] = TaskName(r.problem.task);
  j["problem_type_reason"] = r.problem.reason;
  j["metric"] = MetricName(r.metric);
  j["higher_is_better"] = HigherIsBetter(r.metric);
  j["class_labels"] = r.model.class_labels;
  j["seed"] = o.seed;
  j["time_limit_seconds"] = o.time_limit_seconds;
  j["max_trials"] = o.max_trials;
  j["stop_reason"] = r.stop_reason;
  j["search_seconds"] = r.search_seconds;
  j["data"] = {{"path", data.path},
               {"sha256", data.sha256},
               {"bytes", data.bytes},
               {"rows", r.rows},
               {"rows_missing_target", r.rows_missing_target}};
  j["command"] = data.command;
  j["cv_folds"] = r.folds;
  j["cv_repeats"] = r.cv_repeats;
  j["features"] = r.features;
  j["dropped_columns"] = json::array();
  for (const auto& [name, why] : r.dropped) {
    j["dropped_columns"].push_back({{"column", name}, {"reason", why}});
  }
  j["leaderboard"] = json::array();
  int rank = 0;
  for (const CandidateSummary& c : r.leaderboard) {
    bool ok = c.error.empty();
    json fs = json::array();
    for (double f : c.fold_scores)
      fs.push_back(Num(f));
    j["leaderboard"].push_back({{"rank", ok ? json(++rank) : json(nullptr)},
                                {"candidate", c.id},
                                {"learner", c.algorithm},
                                {"pipeline", c.pipeline},
                                {"hyperparameters", c.hyperparameters},
                                {"model_info", c.info},
                                {"cv_score", ok ? Num(c.cv_mean) : json(nullptr)},
                                {"cv_sd", ok ? Num(c.cv_sd) : json(nullptr)},
                                {"fold_scores", fs},
                                {"train_seconds", c.train_seconds},
                                {"predict_us_per_row", c.predict_us_per_row},
                                {"cv_repeats", c.cv_repeats},
                                {"ensemble_weight", c.ensemble_weight},
                                {"in_ensemble", c.ensemble_weight > 0},
                                {"error", c.error}});
  }
  if (!r.leaderboard.empty()) {
    const CandidateSummary& b = r.leaderboard.front();
    j["best"] = {{"candidate", b.id},
                 {"learner", b.algorithm},
                 {"cv_score", Num(b.cv_mean)},
                 {"cv_repeats", b.cv_repeats},
                 {"in_ensemble", b.ensemble_weight > 0}};
  }
  json members = json::array();
  for (const EnsembleMember& m : r.model.members) {
    members.push_back({{"candidate", m.candidate}, {"learner", m.algorithm}, {"weight", m.weight}});
  }
  json scores = json::object();
  for (const auto& [k, v] : r.ensemble_scores)
    scores[k] = Num(v);
  j["ensemble"] = {
      {"method", "greedy ensemble selection over out-of-fold margins, one-standard-error rule"},
      {"members", members},
      {"oof_scores", scores},
      {"best_single_oof_score", Num(r.ensemble_single_score)},
      {"gain_standard_error", Num(r.ensemble_gain_se)},
      {"kept_single", r.ensemble_kept_single}};
  return j.dump(2) + "\n";
}

std::string RenderLeaderboardText(const AutoMLResult& r, std::size_t limit) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-4s %-6s %-13s %-22s %4s %9s %12s %9s  %s\n", "rank", "id",
                "learner", (std::string(MetricName(r.metric)) + " (cv ± sd)").c_str(), "reps",
                "train s", "predict us/row", "weight", "hyperparameters");
  out += line;
  int rank = 0;
  for (const CandidateSummary& c : r.leaderboard) {
    if (static_cast<std::size_t>(rank) >= limit)
      break;
    if (!c.error.empty())
      continue;
    std::string score = Fixed(c.cv_mean, 5) + " ± " + Fixed(c.cv_sd, 4);
    std::snprintf(line, sizeof(line), "%-4d %-6s %-13s %-22s %4d %9.2f %12.2f %9s  %s%s\n", ++rank,
                  c.id.c_str(), c.algorithm.c_str(), score.c_str(), c.cv_repeats, c.train_seconds,
                  c.predict_us_per_row,
                  c.ensemble_weight > 0 ? Fixed(c.ensemble_weight, 3).c_str() : "-",
                  FormatHyperParams(c.hyperparameters).c_str(), ModelInfo(c).c_str());
    out += line;
  }
  return out;
}

namespace {

const char* kLearnerColors[] = {"#4a7bd0", "#d0664a", "#3a9d5d", "#9b59b6", "#c9a227", "#555555"};

// Candidate scores in the order they were tried, one colour per learner, and the best so far.
std::string SearchChart(const AutoMLResult& r) {
  std::vector<std::string> learners;
  std::vector<Series> series;
  std::vector<std::pair<int, double>> by_trial;
  for (const CandidateSummary& c : r.leaderboard) {
    if (!c.error.empty())
      continue;
    int trial = std::atoi(c.id.c_str() + 1);
    by_trial.emplace_back(trial, c.cv_mean);
    auto it = std::find(learners.begin(), learners.end(), c.algorithm);
    if (it == learners.end()) {
      learners.push_back(c.algorithm);
      Series s;
      s.label = c.algorithm;
      s.color = kLearnerColors[(learners.size() - 1) % 6];
      s.line = false;
      s.points = true;
      series.push_back(s);
      it = learners.end() - 1;
    }
    Series& s = series[it - learners.begin()];
    s.x.push_back(trial);
    s.y.push_back(c.cv_mean);
  }
  std::sort(by_trial.begin(), by_trial.end());
  Series best;
  best.label = "best so far";
  best.color = "#222222";
  double b = NAN;
  for (const auto& [trial, score] : by_trial) {
    if (std::isnan(b) || (HigherIsBetter(r.metric) ? score > b : score < b))
      b = score;
    best.x.push_back(trial);
    best.y.push_back(b);
  }
  series.push_back(best);
  return SvgXYChart(series, "trial", std::string("cross-validated ") + MetricName(r.metric));
}

std::string LeaderboardChart(const AutoMLResult& r) {
  std::vector<std::string> labels;
  std::vector<double> values, errors;
  for (const CandidateSummary& c : r.leaderboard) {
    if (!c.error.empty() || labels.size() >= 15)
      continue;
    labels.push_back(c.id + " " + c.algorithm);
    values.push_back(c.cv_mean);
    errors.push_back(c.cv_sd);
  }
  return SvgBarChart(labels, values, errors,
                     std::string(MetricName(r.metric)) + " (mean ± sd over folds)");
}

std::string Diagnostics(const AutoMLResult& r) {
  const Task task = r.problem.task;
  const std::vector<std::string>& classes = r.model.class_labels;
  const std::size_t n = r.y.size();
  if (n == 0 || r.oof_output.empty())
    return "";
  std::string h =
      "<h2>Out-of-fold diagnostics of the ensemble</h2><p>Every training row is "
      "predicted by models that did not see it.</p>";
  if (task == Task::kRegression) {
    Series pts, diag;
    pts.line = false;
    pts.points = true;
    pts.label = "rows";
    std::size_t step = std::max<std::size_t>(1, n / 2000);
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = 0; i < n; i += step) {
      pts.x.push_back(r.y[i]);
      pts.y.push_back(r.oof_output[i]);
      lo = std::min(lo, static_cast<double>(r.y[i]));
      hi = std::max(hi, static_cast<double>(r.y[i]));
    }
    diag.x = {lo, hi};
    diag.y = {lo, hi};
    diag.color = "#d0664a";
    diag.label = "perfect";
    return h + "<h3>Predicted vs actual</h3>" + SvgXYChart({pts, diag}, "actual", "predicted");
  }
  const int k = static_cast<int>(classes.size());
  std::vector<std::vector<long>> cm(k, std::vector<long>(k, 0));
  for (std::size_t i = 0; i < n; ++i) {
    int pred = 0;
    if (task == Task::kBinary) {
      pred = r.oof_output[i] > 0.5 ? 1 : 0;
    } else {
      const double* p = &r.oof_output[i * k];
      pred = static_cast<int>(std::max_element(p, p + k) - p);
    }
    ++cm[static_cast<int>(r.y[i])][pred];
  }
  if (task == Task::kBinary) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return r.oof_output[a] > r.oof_output[b]; });
    double pos = 0, neg = 0;
    for (float v : r.y)
      (v > 0.5 ? pos : neg) += 1;
    Series roc, chance;
    roc.label = "ensemble";
    roc.x.push_back(0);
    roc.y.push_back(0);
    double tp = 0, fp = 0;
    std::size_t step = std::max<std::size_t>(1, n / 400);
    for (std::size_t j = 0; j < n; ++j) {
      (r.y[order[j]] > 0.5 ? tp : fp) += 1;
      if (j % step == 0 || j + 1 == n) {
        roc.x.push_back(neg > 0 ? fp / neg : 0);
        roc.y.push_back(pos > 0 ? tp / pos : 0);
      }
    }
    chance.x = {0, 1};
    chance.y = {0, 1};
    chance.color = "#aaaaaa";
    chance.label = "chance";
    h += "<h3>ROC curve</h3>" +
         SvgXYChart({roc, chance}, "false positive rate", "true positive rate", 420, 360);
    h += "<h3>Confusion matrix (threshold 0.5)</h3>";
  } else {
    h += "<h3>Confusion matrix (most probable class)</h3>";
  }
  return h + SvgConfusionMatrix(classes, cm);
}

std::string ImportanceChart(const AutoMLResult& r) {
  if (r.feature_importance.empty())
    return "";
  std::vector<std::string> labels;
  std::vector<double> values;
  for (const auto& [name, v] : r.feature_importance) {
    if (labels.size() >= 25)
      break;
    labels.push_back(name);
    values.push_back(v);
  }
  return "<h2>Feature importance</h2><p>Mean absolute SHAP value of each input column over a "
         "sample of training rows, for the final ensemble, in margin space (log-odds for binary, "
         "summed over classes for multiclass, target units for regression).</p>" +
         SvgBarChart(labels, values, {}, "mean |SHAP|");
}

}  // namespace

std::string RenderReportHtml(const AutoMLResult& r, const AutoMLOptions& o,
                             const DataProvenance& data) {
  std::string h;
  h += "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kiln AutoML report: " +
       HtmlEscape(o.target) +
       "</title><style>"
       "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
       "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;"
       "text-align:left}th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-"
       "nums}"
       ".bar{background:#4a7bd0;height:10px;display:inline-block}</style></head><body>";
  h += "<h1>AutoML report: predicting <code>" + HtmlEscape(o.target) + "</code></h1>";
  h += "<h2>Summary</h2><table>";
  auto row = [&](const std::string& k, const std::string& v) {
    h += "<tr><th>" + HtmlEscape(k) + "</th><td>" + HtmlEscape(v) + "</td></tr>";
  };
  row("Data", data.path + " (" + std::to_string(r.rows) + " rows, sha256 " + data.sha256 + ")");
  row("Problem type", std::string(TaskName(r.problem.task)) + " — " + r.problem.reason);
  row("Metric", std::string(MetricName(r.metric)) +
                    (HigherIsBetter(r.metric) ? " (higher is better)" : " (lower is better)"));
  row("Validation", std::to_string(r.folds) + "-fold cross-validation" +
                        (r.problem.task == Task::kRegression ? "" : ", stratified") +
                        (r.cv_repeats > 1 ? "; the best candidates re-scored on " +
                                                std::to_string(r.cv_repeats - 1) +
                                                " fresh partitions, their scores over those only"
                                          : ""));
  row("Candidates", std::to_string(r.leaderboard.size()) + " (" + r.stop_reason + ")");
  row("Seed", std::to_string(o.seed));
  row("Kiln version", KILN_VERSION);
  row("Command", data.command);
  h += "</table>";
  h += "<h2>Final model: ensemble</h2><p>Greedy ensemble selection over out-of-fold margins; each "
       "member is the bag of its fold models. " +
       std::string(r.ensemble_kept_single
                       ? "The greedy ensemble's out-of-fold gain over the best single candidate "
                         "was below its bootstrap standard error (" +
                             Fixed(r.ensemble_gain_se, 5) +
                             "), so that candidate alone is kept (one-standard-error rule)."
                       : "") +
       "</p><table><tr><th>candidate</th><th>learner</th><th>weight</th></tr>";
  for (const EnsembleMember& m : r.model.members) {
    h += "<tr><td>" + HtmlEscape(m.candidate) + "</td><td>" + HtmlEscape(m.algorithm) +
         "</td><td class=num><span class=bar style=\"width:" + Fixed(m.weight * 200, 0) +
         "px\"></span> " + Fixed(m.weight, 3) + "</td></tr>";
  }
  h += "</table><h3>Out-of-fold scores of the ensemble</h3><table>";
  for (const auto& [k, v] : r.ensemble_scores) {
    h += "<tr><th>" + HtmlEscape(k) + "</th><td class=num>" + Fixed(v, 5) + "</td></tr>";
  }
  h += "</table>";
  h += ImportanceChart(r);
  h += Diagnostics(r);
  h += "<h2>Search</h2><p>Each point is one candidate's cross-validated score, in the order "
       "tried; the line is the best so far.</p>" +
       SearchChart(r);
  h += "<h2>Leaderboard</h2>" + LeaderboardChart(r) +
       "<table><tr><th>rank</th><th>id</th><th>learner</th><th>" +
       std::string(MetricName(r.metric)) +
       " (cv)</th><th>sd</th><th>CV partitions</th><th>train s</th><th>predict "
       "µs/row</th><th>weight</th>"
       "<th>hyperparameters</th></tr>";
  int rank = 0;
  for (const CandidateSummary& c : r.leaderboard) {
    bool ok = c.error.empty();
    h += "<tr><td>" + (ok ? std::to_string(++rank) : std::string("-")) + "</td><td>" +
         HtmlEscape(c.id) + "</td><td>" + HtmlEscape(c.algorithm) + "</td><td class=num>" +
         (ok ? Fixed(c.cv_mean, 5) : "failed") + "</td><td class=num>" +
         (ok ? Fixed(c.cv_sd, 4) : "") + "</td><td class=num>" + std::to_string(c.cv_repeats) +
         "</td><td class=num>" + Fixed(c.train_seconds, 2) + "</td><td class=num>" +
         Fixed(c.predict_us_per_row, 2) + "</td><td class=num>" +
         (c.ensemble_weight > 0 ? Fixed(c.ensemble_weight, 3) : "") + "</td><td>" +
         HtmlEscape(FormatHyperParams(c.hyperparameters) + ModelInfo(c)) +
         (ok ? "" : "<br>" + HtmlEscape(c.error)) + "</td></tr>";
  }
  h +=
      "</table><h2>Columns</h2><p>Features used: " + std::to_string(r.features.size()) + "</p><ul>";
  for (const auto& [name, why] : r.dropped) {
    h += "<li>dropped <code>" + HtmlEscape(name) + "</code>: " + HtmlEscape(why) + "</li>";
  }
  h += "</ul></body></html>\n";
  return h;
}

}  // namespace kiln
