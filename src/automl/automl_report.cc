#include "automl/automl_report.h"

#include <cmath>
#include <nlohmann/json.hpp>

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
  if (s.find_first_of(",\"\n\r") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
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
      "rank,candidate,learner,hyperparameters,metric,cv_mean,cv_sd,train_seconds,"
      "predict_us_per_row,ensemble_weight,error\n";
  int rank = 0;
  for (const CandidateSummary& c : r.leaderboard) {
    bool ok = c.error.empty();
    out += (ok ? std::to_string(++rank) : std::string()) + "," + c.id + "," + c.algorithm + "," +
           CsvField(FormatHyperParams(c.hyperparameters)) + "," + MetricName(r.metric) + "," +
           (ok ? FormatShortest(c.cv_mean) : "") + "," + (ok ? FormatShortest(c.cv_sd) : "") + "," +
           Fixed(c.train_seconds, 3) + "," + Fixed(c.predict_us_per_row, 3) + "," +
           FormatShortest(c.ensemble_weight) + "," + CsvField(c.error) + "\n";
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
                                {"ensemble_weight", c.ensemble_weight},
                                {"error", c.error}});
  }
  if (!r.leaderboard.empty()) {
    const CandidateSummary& b = r.leaderboard.front();
    j["best"] = {{"candidate", b.id}, {"learner", b.algorithm}, {"cv_score", Num(b.cv_mean)}};
  }
  json members = json::array();
  for (const EnsembleMember& m : r.model.members) {
    members.push_back({{"candidate", m.candidate}, {"learner", m.algorithm}, {"weight", m.weight}});
  }
  json scores = json::object();
  for (const auto& [k, v] : r.ensemble_scores)
    scores[k] = Num(v);
  j["ensemble"] = {{"method", "greedy ensemble selection over out-of-fold margins"},
                   {"members", members},
                   {"oof_scores", scores}};
  return j.dump(2) + "\n";
}

std::string RenderLeaderboardText(const AutoMLResult& r, std::size_t limit) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-4s %-6s %-8s %-22s %9s %12s %9s  %s\n", "rank", "id",
                "learner", (std::string(MetricName(r.metric)) + " (cv ± sd)").c_str(), "train s",
                "predict us/row", "weight", "hyperparameters");
  out += line;
  int rank = 0;
  for (const CandidateSummary& c : r.leaderboard) {
    if (static_cast<std::size_t>(rank) >= limit)
      break;
    if (!c.error.empty())
      continue;
    std::string score = Fixed(c.cv_mean, 5) + " ± " + Fixed(c.cv_sd, 4);
    std::snprintf(line, sizeof(line), "%-4d %-6s %-8s %-22s %9.2f %12.2f %9s  %s%s\n", ++rank,
                  c.id.c_str(), c.algorithm.c_str(), score.c_str(), c.train_seconds,
                  c.predict_us_per_row,
                  c.ensemble_weight > 0 ? Fixed(c.ensemble_weight, 3).c_str() : "-",
                  FormatHyperParams(c.hyperparameters).c_str(), ModelInfo(c).c_str());
    out += line;
  }
  return out;
}

std::string RenderReportHtml(const AutoMLResult& r, const AutoMLOptions& o,
                             const DataProvenance& data) {
  std::string h;
  h += "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kiln AutoML report: " +
       Html(o.target) +
       "</title><style>"
       "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
       "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;"
       "text-align:left}th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-"
       "nums}"
       ".bar{background:#4a7bd0;height:10px;display:inline-block}</style></head><body>";
  h += "<h1>AutoML report: predicting <code>" + Html(o.target) + "</code></h1>";
  h += "<h2>Summary</h2><table>";
  auto row = [&](const std::string& k, const std::string& v) {
    h += "<tr><th>" + Html(k) + "</th><td>" + Html(v) + "</td></tr>";
  };
  row("Data", data.path + " (" + std::to_string(r.rows) + " rows, sha256 " + data.sha256 + ")");
  row("Problem type", std::string(TaskName(r.problem.task)) + " — " + r.problem.reason);
  row("Metric", std::string(MetricName(r.metric)) +
                    (HigherIsBetter(r.metric) ? " (higher is better)" : " (lower is better)"));
  row("Validation", std::to_string(r.folds) + "-fold cross-validation" +
                        (r.problem.task == Task::kRegression ? "" : ", stratified"));
  row("Candidates", std::to_string(r.leaderboard.size()) + " (" + r.stop_reason + ")");
  row("Seed", std::to_string(o.seed));
  row("Kiln version", KILN_VERSION);
  row("Command", data.command);
  h += "</table>";
  h += "<h2>Final model: ensemble</h2><p>Greedy ensemble selection over out-of-fold margins; each "
       "member is the bag of its fold models.</p><table><tr><th>candidate</th><th>learner</th>"
       "<th>weight</th></tr>";
  for (const EnsembleMember& m : r.model.members) {
    h += "<tr><td>" + Html(m.candidate) + "</td><td>" + Html(m.algorithm) +
         "</td><td class=num><span class=bar style=\"width:" + Fixed(m.weight * 200, 0) +
         "px\"></span> " + Fixed(m.weight, 3) + "</td></tr>";
  }
  h += "</table><h3>Out-of-fold scores of the ensemble</h3><table>";
  for (const auto& [k, v] : r.ensemble_scores) {
    h += "<tr><th>" + Html(k) + "</th><td class=num>" + Fixed(v, 5) + "</td></tr>";
  }
  h += "</table>";
  h += "<h2>Leaderboard</h2><table><tr><th>rank</th><th>id</th><th>learner</th><th>" +
       std::string(MetricName(r.metric)) +
       " (cv)</th><th>sd</th><th>train s</th><th>predict µs/row</th><th>weight</th>"
       "<th>hyperparameters</th></tr>";
  int rank = 0;
  for (const CandidateSummary& c : r.leaderboard) {
    bool ok = c.error.empty();
    h += "<tr><td>" + (ok ? std::to_string(++rank) : std::string("-")) + "</td><td>" + Html(c.id) +
         "</td><td>" + Html(c.algorithm) + "</td><td class=num>" +
         (ok ? Fixed(c.cv_mean, 5) : "failed") + "</td><td class=num>" +
         (ok ? Fixed(c.cv_sd, 4) : "") + "</td><td class=num>" + Fixed(c.train_seconds, 2) +
         "</td><td class=num>" + Fixed(c.predict_us_per_row, 2) + "</td><td class=num>" +
         (c.ensemble_weight > 0 ? Fixed(c.ensemble_weight, 3) : "") + "</td><td>" +
         Html(FormatHyperParams(c.hyperparameters) + ModelInfo(c)) +
         (ok ? "" : "<br>" + Html(c.error)) + "</td></tr>";
  }
  h +=
      "</table><h2>Columns</h2><p>Features used: " + std::to_string(r.features.size()) + "</p><ul>";
  for (const auto& [name, why] : r.dropped) {
    h += "<li>dropped <code>" + Html(name) + "</code>: " + Html(why) + "</li>";
  }
  h += "</ul></body></html>\n";
  return h;
}

}  // namespace kiln
