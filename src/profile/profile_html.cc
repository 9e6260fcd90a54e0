#include <cstdio>
#include <string>
#include <vector>

#include "common/markup_escape.h"
#include "profile/internal/format.h"
#include "profile/internal/svg_chart.h"
#include "profile/profile_render.h"

namespace kiln {
namespace {

using profile_internal::BarChartSvg;
using profile_internal::ChartBar;
using profile_internal::FormatBytes;
using profile_internal::FormatCount;
using profile_internal::FormatPercent;
using profile_internal::FormatStat;
using profile_internal::HistogramSvg;

std::string H(const std::string& s) { return HtmlEscape(s); }

constexpr const char* kStyle = R"CSS(
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;
  background:#f4f5f7;color:#1f2328;font-size:14px;line-height:1.45}
main{max-width:1240px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:24px;margin:0 0 2px}h2{font-size:18px;margin:32px 0 12px;padding-bottom:6px;
  border-bottom:1px solid #d8dce2}
.sub{color:#59636e;margin-bottom:18px;word-break:break-all}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
.tile{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:12px 14px}
.tile .k{color:#59636e;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.tile .v{font-size:22px;font-weight:600;margin-top:2px}.tile .d{color:#59636e;font-size:12px}
table{border-collapse:collapse;background:#fff;width:100%}
.box{background:#fff;border:1px solid #e1e4e8;border-radius:8px;overflow:hidden}
th,td{padding:6px 10px;text-align:left;border-bottom:1px solid #eceef1;vertical-align:top}
th{background:#f6f8fa;font-weight:600;font-size:12px;color:#424a53}
tr:last-child td{border-bottom:none}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sev{display:inline-block;min-width:58px;text-align:center;border-radius:10px;padding:1px 8px;
  font-size:12px;font-weight:600;color:#fff}
.sev-high{background:#c62828}.sev-medium{background:#e08600}.sev-low{background:#78838f}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;margin-left:6px;
  background:#eef1f5;color:#424a53;border:1px solid #d8dce2;font-weight:500}
.badge.id{background:#fdecea;border-color:#f5c2bd;color:#9b1c1c}
.badge.warn{background:#fff4e0;border-color:#f3d19e;color:#8a5300}
.mbar{display:inline-block;width:60px;height:8px;background:#eceef1;border-radius:4px;
  vertical-align:middle;margin-right:6px;overflow:hidden}
.mbar span{display:block;height:100%;background:#e08600}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:14px}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:14px 16px}
.card h3{margin:0 0 4px;font-size:16px;word-break:break-all}
.card .why{color:#59636e;font-size:12px;margin-bottom:10px;word-break:break-word}
.card .body{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
.kv{width:auto;min-width:170px;font-size:13px}.kv th{background:none;color:#59636e;font-weight:500;
  font-size:13px;padding:2px 12px 2px 0;border:none}.kv td{padding:2px 0;border:none;
  text-align:right;font-variant-numeric:tabular-nums}
svg.chart{display:block;overflow:visible}svg.chart rect{fill:#4c78c8}svg.chart rect.muted{fill:#b8bfc8}
svg.chart rect:hover{fill:#2f5ba8}
svg.chart text{font-size:11px;fill:#424a53}svg.chart text.axis{fill:#6e7781}
svg.chart text.muted{fill:#8c959f;font-style:italic}svg.chart line.base{stroke:#afb8c1}
.target{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px}
.none{color:#59636e}
a{color:#0b57d0;text-decoration:none}a:hover{text-decoration:underline}
footer{color:#8c959f;font-size:12px;margin-top:36px}
)CSS";

std::string Tile(const std::string& key, const std::string& value, const std::string& detail) {
  return "<div class=tile><div class=k>" + H(key) + "</div><div class=v>" + H(value) +
         "</div><div class=d>" + H(detail) + "</div></div>";
}

std::string ColumnAnchor(std::size_t i) { return "col-" + std::to_string(i + 1); }

std::string KvRow(const std::string& k, const std::string& v) {
  return "<tr><th>" + H(k) + "</th><td>" + H(v) + "</td></tr>";
}

std::string NumericKv(const NumericSummary& n) {
  std::string s;
  s += KvRow("mean", FormatStat(n.mean)) + KvRow("std", FormatStat(n.std)) +
       KvRow("min", FormatStat(n.min)) + KvRow("p5", FormatStat(n.p5)) +
       KvRow("p25", FormatStat(n.p25)) + KvRow("median", FormatStat(n.median)) +
       KvRow("p75", FormatStat(n.p75)) + KvRow("p95", FormatStat(n.p95)) +
       KvRow("max", FormatStat(n.max)) + KvRow("skew", FormatStat(n.skew)) +
       KvRow("zeros", FormatCount(n.zeros) + " (" + FormatPercent(n.zeros, n.count) + ")");
  if (n.negatives > 0)
    s += KvRow("negative", FormatCount(n.negatives));
  return s;
}

std::vector<ChartBar> TopValueBars(const ColumnProfile& c) {
  std::vector<ChartBar> bars;
  for (const ValueCount& v : c.top_values)
    bars.push_back({v.value, v.count, false});
  if (c.other_count > 0) {
    std::size_t others = c.distinct > c.top_values.size() ? c.distinct - c.top_values.size() : 0;
    bars.push_back({"(" + FormatCount(others) + " other values)", c.other_count, true});
  }
  if (c.missing > 0)
    bars.push_back({"(missing)", c.missing, true});
  return bars;
}

std::string Badges(const ColumnProfile& c) {
  std::string s = "<span class=badge>" + H(ColumnTypeName(c.type)) + "</span>";
  if (c.is_id)
    s += "<span class=\"badge id\">ID</span>";
  else if (c.likely_id)
    s += "<span class=\"badge warn\">likely ID</span>";
  return s;
}

std::string ColumnCard(const ColumnProfile& c, std::size_t index, std::size_t rows,
                       std::size_t warnings) {
  const std::size_t present = rows - c.missing;
  std::string s = "<div class=card id=" + ColumnAnchor(index) + "><h3>" + H(c.name) + Badges(c);
  if (warnings > 0) {
    s += "<span class=\"badge warn\">" + std::to_string(warnings) + " warning" +
         (warnings > 1 ? "s" : "") + "</span>";
  }
  s += "</h3><div class=why>" + H(c.type_reason) + "</div><div class=body><table class=kv>";
  s += KvRow("missing", FormatCount(c.missing) + " (" + FormatPercent(c.missing, rows) + ")");
  s += KvRow("distinct", FormatCount(c.distinct) + " (" + FormatPercent(c.distinct, present) + ")");
  std::string chart;
  if (c.type == ColumnType::kDatetime && c.numeric) {
    s += KvRow("min", c.datetime_min) + KvRow("max", c.datetime_max);
    chart = HistogramSvg(c.numeric->histogram, c.datetime_min, c.datetime_max, true);
  } else if (c.numeric && c.type != ColumnType::kBoolean) {
    s += NumericKv(*c.numeric);
    chart = HistogramSvg(c.numeric->histogram, FormatStat(c.numeric->min),
                         FormatStat(c.numeric->max), false);
  } else {
    if (c.text_lengths) {
      s += KvRow("length min", FormatCount(c.text_lengths->min)) +
           KvRow("length mean", FormatStat(c.text_lengths->mean)) +
           KvRow("length max", FormatCount(c.text_lengths->max));
    }
    chart = BarChartSvg(TopValueBars(c), rows);
  }
  s += KvRow("memory", FormatBytes(c.memory_bytes));
  s += "</table>" + chart + "</div></div>";
  return s;
}

std::string TargetSection(const DataProfile& p) {
  const TargetProfile& t = *p.target;
  std::string s = "<h2 id=target>Target: <code>" + H(t.column) + "</code></h2><div class=target>";
  if (!t.problem_type_error.empty()) {
    return s + "<p><span class=\"sev sev-high\">invalid</span> " + H(t.problem_type_error) +
           "</p></div>";
  }
  s += "<p><b>" + H(TaskName(t.task)) + "</b> — " + H(t.reason) + ". ";
  s += t.missing ? H(FormatCount(t.missing) + " rows (" + FormatPercent(t.missing, p.rows) +
                     ") have no target value.")
                 : std::string("Every row has a target value.");
  s += "</p>";
  const std::size_t labelled = p.rows - t.missing;
  if (!t.classes.empty()) {
    std::vector<ChartBar> bars;
    for (const ValueCount& c : t.classes)
      bars.push_back({c.value, c.count, false});
    s += "<h3>Class balance</h3>" + BarChartSvg(bars, labelled, 720);
  }
  if (t.distribution) {
    const NumericSummary& n = *t.distribution;
    s += "<h3>Distribution</h3><div class=body style=\"display:flex;gap:16px;flex-wrap:wrap\">"
         "<table class=kv>" +
         NumericKv(n) + "</table>" +
         HistogramSvg(n.histogram, FormatStat(n.min), FormatStat(n.max), false, 640, 200) +
         "</div>";
  }
  return s + "</div>";
}

}  // namespace

std::string RenderProfileHtml(const DataProfile& p) {
  const std::string source = p.source.empty() ? "table" : p.source;
  std::string h;
  h.reserve(64 * 1024);
  h += "<!doctype html><html lang=en><head><meta charset=utf-8>"
       "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
       "<title>Data profile: " +
       H(source) + "</title><style>" + kStyle + "</style></head><body><main>";
  h += "<h1>Data profile</h1><div class=\"sub mono\">" + H(source) + "</div>";

  std::size_t sev[3] = {0, 0, 0};
  for (const ProfileWarning& w : p.warnings)
    ++sev[static_cast<int>(w.severity)];
  std::size_t types[6] = {0, 0, 0, 0, 0, 0};
  for (const ColumnProfile& c : p.columns)
    ++types[static_cast<int>(c.type)];
  std::string type_detail;
  for (int t = 0; t < 6; ++t) {
    if (types[t] == 0)
      continue;
    type_detail += (type_detail.empty() ? "" : ", ") + std::to_string(types[t]) + " " +
                   ColumnTypeName(static_cast<ColumnType>(t));
  }
  const std::size_t cells = p.rows * p.columns.size();
  h += "<div class=tiles>";
  h += Tile("Rows", FormatCount(p.rows), "");
  h += Tile("Columns", FormatCount(p.columns.size()), type_detail);
  h += Tile("Missing cells", FormatCount(p.missing_cells), FormatPercent(p.missing_cells, cells));
  h += Tile("Duplicate rows", FormatCount(p.duplicate_rows),
            FormatPercent(p.duplicate_rows, p.rows));
  h += Tile("Memory", FormatBytes(p.memory_bytes), "as loaded");
  h += Tile("Warnings", FormatCount(p.warnings.size()),
            std::to_string(sev[0]) + " high, " + std::to_string(sev[1]) + " medium, " +
                std::to_string(sev[2]) + " low");
  if (p.target) {
    h += Tile("Target", p.target->column,
              p.target->problem_type_error.empty() ? TaskName(p.target->task) : "invalid");
  }
  h += "</div>";

  h += "<h2 id=warnings>Warnings</h2>";
  std::vector<std::size_t> per_column(p.columns.size(), 0);
  if (p.warnings.empty()) {
    h += "<p class=none>No warnings.</p>";
  } else {
    h += "<div class=box><table><tr><th>severity</th><th>column</th><th>finding</th></tr>";
    for (const ProfileWarning& w : p.warnings) {
      std::string column = "<span class=none>dataset</span>";
      for (std::size_t i = 0; i < p.columns.size() && !w.column.empty(); ++i) {
        if (p.columns[i].name == w.column) {
          column = "<a href=#" + ColumnAnchor(i) + "><code>" + H(w.column) + "</code></a>";
          ++per_column[i];
          break;
        }
      }
      h += "<tr><td><span class=\"sev sev-" + std::string(SeverityName(w.severity)) + "\">" +
           SeverityName(w.severity) + "</span></td><td>" + column + "</td><td>" + H(w.message) +
           "</td></tr>";
    }
    h += "</table></div>";
  }

  if (p.target)
    h += TargetSection(p);

  h += "<h2 id=overview>Columns</h2><div class=box><table><tr><th class=num>#</th><th>column</th>"
       "<th>type</th><th>missing</th><th class=num>distinct</th><th>notes</th></tr>";
  for (std::size_t i = 0; i < p.columns.size(); ++i) {
    const ColumnProfile& c = p.columns[i];
    double share = p.rows ? static_cast<double>(c.missing) / static_cast<double>(p.rows) : 0;
    char width[32];
    std::snprintf(width, sizeof(width), "%.0f%%", 100 * share);
    std::string notes = c.is_id ? "ID" : c.likely_id ? "likely ID" : "";
    if (per_column[i] > 0) {
      notes += (notes.empty() ? "" : " · ") + std::to_string(per_column[i]) + " warning" +
               (per_column[i] > 1 ? "s" : "");
    }
    h += "<tr><td class=num>" + std::to_string(i + 1) + "</td><td><a href=#" + ColumnAnchor(i) +
         "><code>" + H(c.name) + "</code></a></td><td>" + H(ColumnTypeName(c.type)) +
         "</td><td class=num style=\"text-align:left\"><span class=mbar><span style=\"width:" +
         width + "\"></span></span>" + H(FormatPercent(c.missing, p.rows)) + "</td><td class=num>" +
         H(FormatCount(c.distinct)) + "</td><td>" + H(notes) + "</td></tr>";
  }
  h += "</table></div>";

  h += "<h2 id=columns>Column details</h2><div class=cards>";
  for (std::size_t i = 0; i < p.columns.size(); ++i) {
    h += ColumnCard(p.columns[i], i, p.rows, per_column[i]);
  }
  h += "</div><footer>Generated by Kiln " KILN_VERSION
       " · kiln profile · statistics over all rows; std is the sample standard deviation, skew the "
       "adjusted Fisher-Pearson coefficient, quantiles interpolate linearly.</footer>";
  h += "</main></body></html>\n";
  return h;
}

}  // namespace kiln
